#!/usr/bin/env bash
# The grep-based gate drift-host replaces, reproduced from the seed document
# ("Schema Drift Prevention Strategy": its pre-commit hook, its CI job
# `ai-safety-gates` and its `schema-consistency` test), for benchmarks that
# compare drift-host with it on the same tree.
#
#   bench/seed-gate.sh REPO
#
# The checks, as the seed writes them (paths generalised from the seed's
# `server/prisma/` to any `prisma/` folder):
#   1. pre-commit hook: schema.prisma staged without any staged migration
#      (only when REPO is a git work tree; the benchmark trees have no git);
#   2. CI: `grep -r "migrate reset" --include=*.md --include=*.sh`;
#   3. CI: `grep -r "DROP TABLE\|DROP DATABASE\|TRUNCATE" --include=*.sql`;
#   4. CI: CLAUDE.md has "When Modifying Database Schema";
#   5. test: every manual `NN_*.sql` migration contains one of the
#      idempotent patterns (IF EXISTS, IF NOT EXISTS, DO $$);
#   6. test: no migration file is empty.
# Like the seed, 2-4 only warn; 1, 5 and 6 fail (exit 1).
set -uo pipefail
repo=${1:?usage: bench/seed-gate.sh REPO}
cd "$repo" || exit 2
status=0

# 1. The pre-commit hook (git diff --cached).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  staged=$(git diff --cached --name-only)
  if grep -q "prisma/schema.prisma" <<<"$staged" \
    && ! grep -q "prisma/migrations/" <<<"$staged"; then
    echo "SCHEMA DRIFT DETECTED: schema.prisma was modified but no migrations were created"
    status=1
  fi
fi

# 2. and 3. The CI job's scans of the whole tree.
if grep -r "migrate reset" . --include="*.md" --include="*.sh" 2>/dev/null; then
  echo "WARNING: found 'migrate reset' - ensure this is dev/test only, NOT production"
fi
if grep -r "DROP TABLE\|DROP DATABASE\|TRUNCATE" . --include="*.sql" 2>/dev/null; then
  echo "WARNING: found destructive SQL - verify this is intentional and safe"
fi

# 4. CLAUDE.md guidance.
if grep -q "When Modifying Database Schema" CLAUDE.md 2>/dev/null; then
  echo "OK: CLAUDE.md has schema modification guidance"
else
  echo "WARNING: CLAUDE.md missing schema modification guidance"
fi

# 5. Manual migrations use an idempotent pattern (the test's
#    content.toUpperCase().includes(...) over the same patterns).
not_idempotent=$(grep -rLi -F -e "IF EXISTS" -e "IF NOT EXISTS" -e 'DO $$' . \
  --include='[0-9]*_*.sql' 2>/dev/null)
if [ -n "$not_idempotent" ]; then
  echo "FAIL: manual migrations without an idempotent pattern:"
  echo "$not_idempotent"
  status=1
fi

# 6. No empty migration file.
empty=$(grep -rL . . --include='*.sql' 2>/dev/null)
if [ -n "$empty" ]; then
  echo "FAIL: empty migration files:"
  echo "$empty"
  status=1
fi
exit $status
