#!/usr/bin/env bash
# `drift-host verify` end to end (server start, replay, re-runs, stop) on
# repositories shaped like real ones, against baselines run in the same
# invocation: the bare cost of a throwaway server (`initdb` + start +
# stop, as verify does it, on an empty repository), and, when the
# prisma-verdicts harness is present (PRISMA_VERDICTS, default
# /work/scratch/prisma-verdicts, with its server started by start-pg.sh),
# Prisma's own schema engine replaying the same migrations folder.
#
#   bench/verify.sh [N] [PRISMA_FOLDER]   # N runs (default 5), median
#
# PRISMA_FOLDER: a `prisma/` folder with several hundred migrations (e.g.
# a checkout of trigger.dev's internal-packages/database/prisma).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=${1:-5}
big=${2:-}

cargo build --release -q -p drift-host
bin=$root/target/release/drift-host
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# An empty repository: the server's own cost.
mkdir -p "$work/empty/migrations"
printf 'SELECT 1;\n' > "$work/empty/migrations/01_noop.sql"
# 50 migrations: 40 Prisma folders and 10 hand-written files (each re-run).
python3 bench/synth.py "$work/v50" --hand 10 --prisma 40 --models 20 --other 10 --seed 3 >/dev/null

group=$work/group.jsonl
results=$work/results.tsv
: > "$group"
: > "$results"
queue() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' --out "$results" "$@" >> "$group"; }
queue --scenario verify --tool "throwaway server only (1 statement)" --files 1 --bytes 0 --runs "$n" --warmup 1 --baseline --cwd "$work/empty" -- "$bin" verify .
queue --scenario verify --tool "verify: 50 migrations (10 hand-written)" --files 50 --bytes 0 --runs "$n" --warmup 1 --cwd "$work/v50" -- "$bin" verify .
if [ -n "$big" ]; then
  cp -r "$big" "$work/big"
  files=$(find "$work/big" -name migration.sql | wc -l)
  queue --scenario verify --tool "verify: $files Prisma migrations" --files "$files" --bytes 0 --runs "$n" --warmup 1 --cwd "$work/big" -- "$bin" verify .
  harness=${PRISMA_VERDICTS:-/work/scratch/prisma-verdicts}
  if [ -f "$harness/verdict.mjs" ]; then
    queue --scenario verify --tool "Prisma's schema engine: replay + diff (server already up)" --files "$files" --bytes 0 --runs "$n" --warmup 1 --cwd "$harness" -- node verdict.mjs --schema "$work/big/schema.prisma" --migrations "$work/big/migrations"
  fi
fi
# verify exits 1 on findings; measure.py records the wall time regardless.
python3 bench/measure.py --group "$group" >&2 || true

python3 - "$results" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
base = float(rows[0][2])
print("| run | wall ms (median) | ratio vs server only |")
print("|---|---:|---:|")
for r in rows:
    ms = float(r[2])
    print(f"| {r[1]} | {ms:.0f} | {ms / base:.2f} |")
PY
