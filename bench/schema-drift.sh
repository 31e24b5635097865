#!/usr/bin/env bash
# The schema-drift rule on a generated repository: a schema of P models and
# M Prisma migrations that build exactly that schema (so the whole replay and
# comparison runs and finds nothing), through the WASM path. Prints the
# median of N runs of the whole process and of the rules phase.
#
#   bench/schema-drift.sh [P=100] [M=300] [N=5]
set -euo pipefail
cd "$(dirname "$0")/.."
models=${1:-100}
migrations=${2:-300}
n=${3:-5}
per=$(( migrations / models ))   # migrations per model: 1 create + (per-1) add-column

cargo build --release -q -p drift-host
bin=target/release/drift-host
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo/prisma/migrations"
printf 'provider = "postgresql"\n' > "$repo/prisma/migrations/migration_lock.toml"
{
  printf 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'
  for m in $(seq "$models"); do
    printf '\nmodel M%d {\n  id Int @id @default(autoincrement())\n' "$m"
    for c in $(seq 2 "$per"); do printf '  c%d String?\n' "$c"; done
    printf '}\n'
  done
} > "$repo/prisma/schema.prisma"
ts=20240101000000
for m in $(seq "$models"); do
  ts=$((ts + 1))
  d="$repo/prisma/migrations/${ts}_m${m}"; mkdir -p "$d"
  printf 'CREATE TABLE "M%d" (\n    "id" SERIAL NOT NULL,\n    CONSTRAINT "M%d_pkey" PRIMARY KEY ("id")\n);\n' "$m" "$m" > "$d/migration.sql"
  for c in $(seq 2 "$per"); do
    ts=$((ts + 1))
    d="$repo/prisma/migrations/${ts}_m${m}_c${c}"; mkdir -p "$d"
    printf 'ALTER TABLE "M%d" ADD COLUMN "c%d" TEXT;\n' "$m" "$c" > "$d/migration.sql"
  done
done
printf '[rules.numbering]\nenabled = false\n[rules.idempotency]\nenabled = false\n[rules.destructive-sql]\nenabled = false\n[rules.agent-guidance]\nenabled = false\n' > "$repo/rules.toml"
export DRIFT_HOST_CACHE_DIR=$work/cache
"$bin" run "$repo" >/dev/null   # warm the cache; also: the generated repo must be in sync

for phase in total rules parse-sql; do
  for _ in $(seq "$n"); do
    { "$bin" run "$repo" --timings 2>&1 >/dev/null || true; } | awk -v p="$phase" '$1 == "timing" && $2 == p {print $3}'
  done | sort -n | awk -v p="$phase" '{a[NR]=$1} END {printf "%s: %.1f ms (median)\n", p, a[int((NR+1)/2)]}'
done
echo "$models models, $(find "$repo/prisma/migrations" -name migration.sql | wc -l) migrations, $n runs, $(nproc) CPUs"
