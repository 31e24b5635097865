#!/usr/bin/env bash
# Optional: build and install pgvector into the system PostgreSQL 15, for projects whose
# migrations run CREATE EXTENSION vector (e.g. formbricks). Debian 12 has no
# postgresql-15-pgvector package, and installing postgresql-server-dev-15 would upgrade
# the installed server, so only its headers are unpacked locally (apt-get download + dpkg -x).
# usage: ./install-pgvector.sh <pgvector-source-dir>     (a checkout of github.com/pgvector/pgvector, e.g. tag v0.8.6)
# Installs vector.so into /usr/lib/postgresql/15/lib and vector*.sql/.control into
# /usr/share/postgresql/15/extension (needs root). Nothing else on the system changes.
set -euo pipefail
SRC="$(realpath "${1:?pgvector source dir}")"
W="$(mktemp -d)"; trap 'rm -rf "$W"' EXIT
( cd "$W" && apt-get download postgresql-server-dev-15 >/dev/null && dpkg -x postgresql-server-dev-15_*.deb root )
INC="$W/root/usr/include/postgresql"
cp -r "$SRC" "$W/pgvector"; cd "$W/pgvector"
PGC=/usr/lib/postgresql/15/bin/pg_config
make -j2 with_llvm=no PG_CONFIG=$PGC includedir_server="$INC/15/server" includedir_internal="$INC/internal" includedir="$INC" >/dev/null
make install with_llvm=no PG_CONFIG=$PGC includedir_server="$INC/15/server" >/dev/null
echo "installed: $(ls /usr/lib/postgresql/15/lib/vector.so) and $(ls /usr/share/postgresql/15/extension/vector.control)"
