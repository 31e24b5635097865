#!/usr/bin/env bash
# Start a throw-away local PostgreSQL 15 for verdict.mjs.
# Listens ONLY on a Unix socket in $PGV_DIR (default /tmp/pgv), trust auth, no TCP.
set -euo pipefail
PGV_DIR="${PGV_DIR:-/tmp/pgv}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
DATA="$PGV_DIR/data"
RUN=(runuser -u postgres --)
[ "$(id -u)" = "$(id -u postgres)" ] && RUN=()
mkdir -p "$PGV_DIR"
chown postgres:postgres "$PGV_DIR" 2>/dev/null || true
chmod 0775 "$PGV_DIR"
if [ ! -s "$DATA/PG_VERSION" ]; then
  "${RUN[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$PGV_DIR/initdb.log" 2>&1 \
    || "${RUN[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >"$PGV_DIR/initdb.log" 2>&1
fi
if "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  echo "already running: $(head -1 "$DATA/postmaster.pid" 2>/dev/null)"; exit 0
fi
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$PGV_DIR/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories=$PGV_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start
echo "PostgreSQL pid $(head -1 "$DATA/postmaster.pid"), socket dir $PGV_DIR (user postgres, no password)"
