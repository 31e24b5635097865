#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from files already in the
# repository (nothing large is committed):
#
#   tests/fuzz/seed.sh [CORPUS_DIR]     (default: tests/fuzz/corpus)
#
#   sql     PostgreSQL's regression SQL in ../shared/corpora/pg-regress
#           (beside the repository; cut into chunks of about 2 KB at
#           statement ends outside dollar quotes, so DO bodies stay whole),
#           the fixtures' .sql files, and the edge cases in seeds/sql/
#   prisma  plugins/syntax/tests/fixtures/**/*.prisma and seeds/prisma/
#   config  rules.toml, host/src/config/default.toml, the fixtures'
#           rules.toml, the TOML string literals of the configuration tests
#           (host/src/config/tests.rs, tests/cli/config.rs,
#           tests/cli/bad_inputs.rs: the malformed variants) and seeds/config/
#
# Files are named by content hash, so re-running only adds what is new.
# Needs python3 for the chunking and the literal extraction.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/corpus}"
pg="${DRIFT_PG_CORPUS:-$root/../shared/corpora/pg-regress}"
mkdir -p "$out/sql" "$out/prisma" "$out/config"

python3 - "$root" "$out" "$pg" <<'PY'
import hashlib, pathlib, re, sys

root, out, pg = (pathlib.Path(p) for p in sys.argv[1:4])
counts = {}

def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    path = out / target / name
    if not path.exists():
        path.write_bytes(data)
        counts[target] = counts.get(target, 0) + 1

def sql_chunks(text, size=2048):
    chunk, dollars = [], 0
    for line in text.splitlines(keepends=True):
        chunk.append(line)
        dollars += line.count("$$")
        if dollars % 2 == 0 and line.rstrip().endswith(";") and sum(map(len, chunk)) >= size:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)

# sql
if pg.is_dir():
    for f in sorted(pg.rglob("*.sql")):
        for chunk in sql_chunks(f.read_text(errors="replace")):
            add("sql", chunk)
else:
    print(f"warning: {pg} not found; SQL seeds from the fixtures only", file=sys.stderr)
for f in sorted((root / "tests/fixtures").rglob("*.sql")):
    add("sql", f.read_bytes())

# prisma
for f in sorted((root / "plugins/syntax/tests/fixtures").rglob("*.prisma")):
    add("prisma", f.read_bytes())

# config
for f in [root / "rules.toml", root / "host/src/config/default.toml",
          *sorted((root / "tests/fixtures").rglob("rules.toml"))]:
    if f.is_file():
        add("config", f.read_bytes())
literal = re.compile(r'r(#*)"(.*?)"\1|"((?:[^"\\]|\\.)*)"', re.S)
def unescape(s):
    return re.sub(r'\\(n|t|"|\\|\n\s*)', lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m.group(1), ""), s)
for rel in ["host/src/config/tests.rs", "tests/cli/config.rs", "tests/cli/bad_inputs.rs"]:
    f = root / rel
    if not f.is_file():
        continue
    for m in literal.finditer(f.read_text()):
        s = m.group(2) if m.group(2) is not None else unescape(m.group(3))
        # TOML-looking literals only: a table header or a key = value.
        if re.search(r"^\s*\[|^\s*[\w.-]+\s*=", s, re.M):
            add("config", s)

for target in ("sql", "prisma", "config"):
    seeds = out / target
    extra = root / "tests/fuzz/seeds" / target
    if extra.is_dir():
        for f in sorted(extra.iterdir()):
            add(target, f.read_bytes())
    print(f"{target}: {len(list(seeds.iterdir()))} seeds ({counts.get(target, 0)} new)")
PY
