#!/usr/bin/env bash
# Runs every fuzz target of tests/fuzz for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET]        (default 60)
#   FUZZ_TARGETS="sql prisma" tests/fuzz/run.sh 600
#
# Installs cargo-fuzz if it is missing, builds the seed corpora
# (tests/fuzz/seed.sh, into tests/fuzz/corpus/), builds each target, then
# runs it with libFuzzer for SECONDS_PER_TARGET seconds
# (-max_total_time, -rss_limit_mb=2048, -timeout=10, the target's
# dictionary in tests/fuzz/dict/). Prints per target the executions run and
# the crashes found; exits 1 if any target crashed, timed out or ran out of
# memory. A crashing input lands in tests/fuzz/artifacts/<target>/: minimise
# it with `cargo fuzz tmin <target> <file> --fuzz-dir tests/fuzz
# --sanitizer none`, fix the bug, and keep the input in
# tests/fuzz/regressions/<target>/ (plain `cargo test` replays those).
#
# Toolchain: FUZZ_TOOLCHAIN (default: nightly if it has the wasm32-wasip2
# target, which the `config` target needs to build drift-host's built-in
# rules; otherwise the repository's pinned toolchain with RUSTC_BOOTSTRAP=1,
# as cargo-fuzz needs nightly flags). No sanitizer: the code is safe Rust,
# so we hunt panics, hangs and OOMs, and an ASan build of wasmtime is too
# slow. Logs: tests/fuzz/logs/<target>.log.
set -euo pipefail

seconds="${1:-60}"
targets="${FUZZ_TARGETS:-sql prisma config}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo +nightly install cargo-fuzz --locked
fi

if [[ -n "${FUZZ_TOOLCHAIN:-}" ]]; then
    toolchain="$FUZZ_TOOLCHAIN"
elif rustup +nightly target list --installed 2>/dev/null | grep -qx wasm32-wasip2; then
    toolchain=nightly
else
    toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
    export RUSTC_BOOTSTRAP=1
    echo "note: nightly has no wasm32-wasip2 target; using $toolchain with RUSTC_BOOTSTRAP=1"
fi

"$here/seed.sh" "$here/corpus"
mkdir -p "$here/logs"

features() {
    if [[ "$1" == config ]]; then echo "--features=host"; fi
}

for target in $targets; do
    echo "building $target"
    # shellcheck disable=SC2046
    cargo "+$toolchain" fuzz build "$target" --fuzz-dir tests/fuzz --sanitizer none $(features "$target")
done

failed=0
summary=""
for target in $targets; do
    log="$here/logs/$target.log"
    mkdir -p "$here/artifacts/$target"
    before="$(find "$here/artifacts/$target" -type f | wc -l)"
    echo "fuzzing $target for ${seconds}s (log: tests/fuzz/logs/$target.log)"
    status=0
    # shellcheck disable=SC2046
    cargo "+$toolchain" fuzz run "$target" --fuzz-dir tests/fuzz --sanitizer none $(features "$target") \
        "$here/corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -dict="$here/dict/$target.dict" -print_final_stats=1 >"$log" 2>&1 || status=$?
    # libFuzzer's final statistics; a crash skips them, so fall back to the
    # last status line (`#N ...`).
    execs="$(sed -n 's|^stat::number_of_executed_units: *||p' "$log" | tail -n 1)"
    if [[ -z "$execs" ]]; then
        execs="$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')"
    fi
    after="$(find "$here/artifacts/$target" -type f | wc -l)"
    crashes=$((after - before))
    if [[ "$status" -ne 0 && "$crashes" -eq 0 ]]; then
        crashes=1
    fi
    if [[ "$crashes" -gt 0 ]]; then
        failed=1
        grep -E '^(==[0-9]+== ERROR|thread .* panicked|SUMMARY|Test unit written|artifact_prefix)' "$log" | head -n 5 || true
    fi
    summary+="$(printf '%-8s %12s executions  %d crash(es)' "$target" "${execs:-?}" "$crashes")"$'\n'
done

echo
echo "target          executions in ${seconds}s"
printf '%s' "$summary"
exit "$failed"
