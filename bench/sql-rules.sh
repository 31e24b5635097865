#!/usr/bin/env bash
# Throughput of the SQL rules (idempotency + destructive-sql) over
# PostgreSQL's regression suite, three ways in one run:
#   - drift-host's WASM path (host parses once, rules run as components),
#   - the same rule logic compiled natively (bench/native-rules),
#   - squawk, a peer PostgreSQL migration linter (`pip install squawk-cli`),
#     on the same files, if it is on PATH.
# Medians of N runs; compare ratios within one run only (shared machines).
#
#   bench/sql-rules.sh [CORPUS_DIR] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora/pg-regress}
n=${2:-5}

cargo build --release -q -p bench-native-rules
bin=target/release/drift-host
native=target/release/native_sql_rules

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/repo/db/migrations"
i=0
while IFS= read -r f; do
  i=$((i + 1))
  name=$(basename "$f" .sql | tr '.-' '__')
  cp "$f" "$work/repo/db/migrations/$(printf '%03d' "$i")_${name}.sql"
done < <(find "$corpus" -name '*.sql' | sort)
printf '[rules.numbering]\nenabled = false\n[rules.schema-drift]\nenabled = false\n[rules.agent-guidance]\nenabled = false\n' > "$work/repo/rules.toml"
files=$i
bytes=$(cat "$work"/repo/db/migrations/*.sql | wc -c)
export DRIFT_HOST_CACHE_DIR="$work/cache"
"$bin" run "$work/repo" >/dev/null 2>&1 || true   # warm the compiled-plugin cache

# median of the `timing <phase>` lines of N runs of "$@"
median() {
  local phase=$1; shift
  for _ in $(seq "$n"); do
    { "$@" 2>&1 >/dev/null || true; } | awk -v p="$phase" '$1 == "timing" && $2 == p {print $3}'
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
wall() {
  for _ in $(seq "$n"); do
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 1000}'
}

w1_total=$(wall "$bin" run "$work/repo" --threads 1)
w2_total=$(wall "$bin" run "$work/repo" --threads 2)
w1_parse=$(median parse-sql "$bin" run "$work/repo" --threads 1 --timings)
w1_rules=$(median rules "$bin" run "$work/repo" --threads 1 --timings)
w2_rules=$(median rules "$bin" run "$work/repo" --threads 2 --timings)
n_parse=$(median parse-sql "$native" "$work/repo")
n_rules=$(median rules "$native" "$work/repo")
n_total=$(wall "$native" "$work/repo")
if command -v squawk >/dev/null 2>&1; then
  sq_total=$(wall squawk "$work"/repo/db/migrations/*.sql)
else
  sq_total=""
fi

mb=$(awk -v b="$bytes" 'BEGIN {printf "%.2f", b / 1048576}')
row() { # label ms
  awk -v l="$1" -v ms="$2" -v mb="$mb" -v f="$files" 'BEGIN {
    if (ms == "") { printf "| %s | n/a | | |\n", l; exit }
    printf "| %s | %.1f | %.1f | %.0f |\n", l, ms, mb / (ms / 1000), f / (ms / 1000) }'
}
echo "corpus: $files files, $mb MB; median of $n runs; $(nproc) CPUs"
echo
echo "| measurement | ms | MB/s | files/s |"
echo "|---|---:|---:|---:|"
row "drift-host, whole run, 1 thread (WASM rules)" "$w1_total"
row "drift-host, whole run, 2 threads (WASM rules)" "$w2_total"
row "native rule logic, whole process, 1 thread" "$n_total"
row "squawk (peer), whole run" "$sq_total"
row "SQL parsing (host, native), 1 thread" "$w1_parse"
row "SQL parsing (native example)" "$n_parse"
row "rules phase, WASM, 1 thread" "$w1_rules"
row "rules phase, WASM, 2 threads" "$w2_rules"
row "rules phase, native, 1 thread" "$n_rules"
echo
awk -v w="$w1_rules" -v nr="$n_rules" -v w2="$w2_rules" 'BEGIN {
  printf "WASM / native (rules phase, 1 thread): %.2f\n", w / nr
  printf "1 thread / 2 threads (WASM rules phase): %.2f\n", w / w2 }'
if [ -n "$sq_total" ]; then
  awk -v d="$w1_total" -v s="$sq_total" 'BEGIN { printf "drift-host (1 thread) / squawk (whole run): %.2f\n", d / s }'
fi
