#!/usr/bin/env bash
# Measures drift-host's start-up and run cost: cold (empty compiled-plugin
# cache), warm (cache hit) and --no-cache, on one repository, as medians of
# N runs. Ratios matter more than absolutes on a shared machine: compare
# numbers from the same invocation only.
#
#   bench/startup.sh [REPO] [N]
#
# REPO defaults to the numbering-messy fixture; N to 15. Builds the release
# binary first (its build time is not part of the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:-tests/fixtures/numbering-messy}
n=${2:-15}

cargo build --release -q -p drift-host
bin=target/release/drift-host
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

# Median wall time in milliseconds of running "$@" n times; `prep` runs
# before each (untimed).
median_ms() {
  local prep=$1; shift
  local times=()
  for _ in $(seq "$n"); do
    eval "$prep"
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.1f", m/1000}'
}

export DRIFT_HOST_CACHE_DIR=$cache
cold=$(median_ms 'rm -rf "$cache"/*' "$bin" run "$repo")
warm=$(median_ms ':' "$bin" run "$repo")
nocache=$(median_ms ':' "$bin" run --no-cache "$repo")
files=$(find "$repo" -type f | wc -l)

echo "| run | median wall time (ms) | vs warm |"
echo "|-----|----------------------:|--------:|"
awk -v c="$cold" -v w="$warm" -v x="$nocache" 'BEGIN {
  printf "| warm (cache hit) | %.1f | 1.00 |\n", w
  printf "| cold (empty cache: built-ins from their embedded machine code, stored) | %.1f | %.2f |\n", c, c / w
  printf "| --no-cache (embedded machine code, no store) | %.1f | %.2f |\n", x, x / w
}'
echo
echo "repository: $repo ($files files), $n runs each, $(nproc) CPUs"
