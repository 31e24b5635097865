#!/usr/bin/env bash
# The guard's latency as an agent sees it: the wall time of a fresh
# `drift-host guard --hook claude-code` process answering one PreToolUse
# event (warm compiled-plugin cache), against the floor of starting the
# binary at all (`drift-host --version`), and against judging in one
# process without the crash supervisor, in one invocation. Several
# command lines: a safe one, a blocked reset, a psql line whose SQL is
# parsed, and a long chained line.
#
#   bench/guard.sh [N]      # N runs per line (default 21), median reported
#   BASELINE=/path/to/older/drift-host bench/guard.sh
#                           # also the hook of another build, same lines
#
# Builds the release binary first (not timed) and measures with
# bench/measure.py (wait4(2)), runs of the lines interleaved.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=${1:-21}

cargo build --release -q -p drift-host
bin=$root/target/release/drift-host
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DRIFT_HOST_CACHE_DIR=$work/cache

# A small Prisma repository for the guard to find its root and schema in.
repo=$work/repo
mkdir -p "$repo/prisma"
git -C "$repo" init -q
printf 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' > "$repo/prisma/schema.prisma"
printf 'DATABASE_URL=postgresql://app@localhost:5432/app\n' > "$repo/.env"
# What the guard follows (scripts, a Makefile, a 20-package workspace
# with turbo), shaped like a real monorepo's.
cat > "$repo/package.json" <<'JSON'
{"name": "shop", "private": true, "workspaces": ["packages/*"],
 "scripts": {"build": "turbo run build", "test": "vitest run",
  "db:deploy": "bash scripts/deploy.sh", "postinstall": "prisma generate"}}
JSON
printf '{"tasks": {"build": {"dependsOn": ["^build"]}}}\n' > "$repo/turbo.json"
mkdir -p "$repo/scripts"
printf '#!/bin/sh\nset -e\nnpx prisma generate\nnpx prisma migrate deploy\n' > "$repo/scripts/deploy.sh"
printf 'PRISMA = npx prisma\n\nmigrate: generate\n\t$(PRISMA) migrate deploy\n\ngenerate:\n\t$(PRISMA) generate\n' > "$repo/Makefile"
for p in $(seq 1 20); do
  mkdir -p "$repo/packages/p$p"
  printf '{"name": "p%s", "scripts": {"build": "tsc -p .", "test": "vitest run"}}\n' "$p" > "$repo/packages/p$p/package.json"
done

event() { # command -> the hook event on stdout
  python3 -c 'import json, sys; print(json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": sys.argv[1], "permission_mode": "default", "tool_input": {"command": sys.argv[2]}}))' "$repo" "$1"
}
i=0
lines=(
  "npm test"
  "npx prisma migrate reset --force"
  "psql \"\$DATABASE_URL\" -c 'DELETE FROM sessions; SELECT count(*) FROM users'"
  "pnpm install && pnpm -r build && npx prisma generate && npx prisma migrate deploy && npm run test -- --coverage | tee out.txt"
  "npm run db:deploy"
  "make migrate"
  "turbo run build"
)
for line in "${lines[@]}"; do
  i=$((i + 1))
  event "$line" > "$work/event$i.json"
done
(cd "$repo" && "$bin" guard --hook claude-code < "$work/event1.json" >/dev/null) # fill the cache
baseline=${BASELINE:-}
if [ -n "$baseline" ]; then
  (cd "$repo" && "$baseline" guard --hook claude-code < "$work/event1.json" >/dev/null)
fi

group=$work/group.jsonl
results=$work/results.tsv
: > "$group"
: > "$results"
queue() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' --out "$results" "$@" >> "$group"; }
queue --scenario guard --tool "drift-host --version (process floor)" --files 0 --bytes 0 --runs "$n" --warmup 1 --baseline -- "$bin" --version
i=0
for line in "${lines[@]}"; do
  i=$((i + 1))
  # The hook as installed: a supervisor that judges in a child process.
  queue --scenario guard --tool "hook: $line" --files 0 --bytes 0 --runs "$n" --warmup 1 --stdin "$work/event$i.json" --cwd "$repo" -- env DRIFT_GUARD_BENCH=1 "$bin" guard --hook claude-code
  # The same judging in one process (what the child does): the
  # supervisor's cost is the difference.
  queue --scenario guard --tool "in one process: $line" --files 0 --bytes 0 --runs "$n" --warmup 1 --stdin "$work/event$i.json" --cwd "$repo" -- env DRIFT_GUARD_HOOK_CHILD=child "$bin" guard --hook claude-code
  if [ -n "$baseline" ]; then
    queue --scenario guard --tool "baseline hook: $line" --files 0 --bytes 0 --runs "$n" --warmup 1 --stdin "$work/event$i.json" --cwd "$repo" -- env DRIFT_GUARD_BENCH=1 "$baseline" guard --hook claude-code
  fi
done
python3 bench/measure.py --group "$group" >&2

python3 - "$results" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
base = float(rows[0][2])
print("| command | wall ms (median) | ratio vs process floor |")
print("|---|---:|---:|")
for r in rows:
    ms = float(r[2])
    print(f"| {r[1][:90]} | {ms:.1f} | {ms / base:.2f} |")
EOF
