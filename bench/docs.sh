#!/usr/bin/env bash
# The doc-heavy scenario on its own (scenario e of bench/matrix.sh): a
# monorepo that is three quarters Markdown (about 2,800 files, 4 MB; setup
# guides whose fenced shell blocks run `pnpm`, `docker compose`, `prisma
# migrate dev` and `psql … -c 'select …'`), where the documents' checks are
# most of the work. drift-host (all rules, embedded configuration, warm
# compiled-plugin cache) against the seed's grep gate on the same tree,
# with the phases of `--timings`.
#
#   bench/docs.sh [N]       # N interleaved runs per configuration (default 21)
#   BASELINE=/path/to/older/drift-host bench/docs.sh
#                           # also another build, in the same rounds
#
# Builds the release binary first (not timed); measures with
# bench/measure.py (wait4(2)).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-21}

cargo build --release -q -p drift-host
bin=$PWD/target/release/drift-host
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DRIFT_HOST_CACHE_DIR=$work/cache

python3 bench/synth.py "$work/e" --hand 5 --prisma 20 --models 10 --other 2800 \
  --other-bytes 1400 --md-share 0.75 --seed 5 >&2
files=$(find "$work/e" -type f | wc -l)
bytes=$(find "$work/e" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
"$bin" run "$work/e" >/dev/null 2>&1 || true # fill the cache
baseline=${BASELINE:-}
if [ -n "$baseline" ]; then
  "$baseline" run "$work/e" >/dev/null 2>&1 || true
fi

group=$work/group.jsonl
results=$work/results.tsv
: > "$group"
: > "$results"
queue() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' --out "$results" "$@" >> "$group"; }
common=(--scenario docs --files "$files" --bytes "$bytes" --runs "$n" --warmup 1)
queue "${common[@]}" --tool "seed grep gate" --baseline -- bash bench/seed-gate.sh "$work/e"
queue "${common[@]}" --tool "drift-host" -- "$bin" run "$work/e" --timings
if [ -n "$baseline" ]; then
  queue "${common[@]}" --tool "baseline drift-host" -- "$baseline" run "$work/e" --timings
fi
python3 bench/measure.py --group "$group" >&2

python3 - "$results" <<'PY'
import json, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
base = float(rows[0][2])
print(f"{rows[0][5]} files, {int(rows[0][6]) / 1e6:.1f} MB")
print()
print("| run | wall ms (median) | ratio vs seed grep gate | read | narrow | parse-sql | rules |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    ms = float(r[2])
    p = json.loads(r[9]) if len(r) > 9 and r[9] else {}
    cells = " | ".join(f"{p[k]:.1f}" if k in p else "" for k in ("read", "narrow", "parse-sql", "rules"))
    print(f"| {r[1]} | {ms:.1f} | {ms / base:.2f} | {cells} |")
PY
