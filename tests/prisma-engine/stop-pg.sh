#!/usr/bin/env bash
# Stop the PostgreSQL started by start-pg.sh (by its data dir / pid, never by name).
set -euo pipefail
PGV_DIR="${PGV_DIR:-/tmp/pgv}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
DATA="$PGV_DIR/data"
RUN=(runuser -u postgres --)
[ "$(id -u)" = "$(id -u postgres)" ] && RUN=()
if [ -f "$DATA/postmaster.pid" ]; then
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop
else
  echo "not running"
fi
# Optional: PGV_WIPE=1 ./stop-pg.sh also deletes the data dir.
if [ "${PGV_WIPE:-0}" = 1 ]; then rm -rf "$DATA"; echo "wiped $DATA"; fi
