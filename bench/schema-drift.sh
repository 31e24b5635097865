#!/usr/bin/env bash
# The schema-drift rule on a generated repository: a schema of P models and
# M Prisma migrations that build exactly that schema (so the whole replay and
# comparison runs and finds nothing), through the WASM path. Prints the
# median of N runs of the whole process and of the rules phase.
#
#   bench/schema-drift.sh [P=100] [M=300] [N=5]
#   BASELINE=<rev> bench/schema-drift.sh ...
#
# With BASELINE, <rev> is built too, from a worktree in
# target/bench-baseline with a target folder of its own (a shared one would
# leave the baseline's crates where cargo takes them for this checkout's:
# cargo names workspace crates by their path within the workspace). Both
# builds run alternately on the same repository, and the figures are given
# as ratios of this checkout to the baseline, measured in the same session.
set -euo pipefail
cd "$(dirname "$0")/.."
models=${1:-100}
migrations=${2:-300}
n=${3:-5}
per=$(( migrations / models ))   # migrations per model: 1 create + (per-1) add-column

work=$(mktemp -d)
baseline=$PWD/target/bench-baseline
cleanup() {
  if [ -n "${BASELINE:-}" ]; then git worktree remove --force "$baseline/src" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cargo build --release -q -p drift-host
cp target/release/drift-host "$work/head"
bins=(head)
if [ -n "${BASELINE:-}" ]; then
  git worktree remove --force "$baseline/src" 2>/dev/null || true
  git worktree add -q --detach "$baseline/src" "$BASELINE"
  (cd "$baseline/src" && CARGO_TARGET_DIR="$baseline/target" cargo build --release -q -p drift-host)
  cp "$baseline/target/release/drift-host" "$work/base"
  bins=(head base)
fi
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
for b in "${bins[@]}"; do
  "$work/$b" run "$repo" >/dev/null   # warm the cache; also: the generated repo must be in sync
done

# Runs alternate between the builds, so load on the machine falls on both.
for _ in $(seq "$n"); do
  for b in "${bins[@]}"; do
    { "$work/$b" run "$repo" --timings 2>&1 >/dev/null || true; } | awk -v b="$b" '$1 == "timing" {print b, $2, $3}'
  done
done > "$work/timings"
median() { awk -v b="$1" -v p="$2" '$1 == b && $2 == p {print $3}' "$work/timings" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for phase in total rules parse-sql; do
  head=$(median head "$phase")
  if [ "${#bins[@]}" -eq 2 ]; then
    base=$(median base "$phase")
    awk -v p="$phase" -v h="$head" -v b="$base" 'BEGIN {printf "%s: %.1f ms, baseline %.1f ms (median): %.2fx\n", p, h, b, h / b}'
  else
    awk -v p="$phase" -v h="$head" 'BEGIN {printf "%s: %.1f ms (median)\n", p, h}'
  fi
done
echo "$models models, $(find "$repo/prisma/migrations" -name migration.sql | wc -l) migrations, $n runs, $(nproc) CPUs${BASELINE:+, baseline $BASELINE}"
