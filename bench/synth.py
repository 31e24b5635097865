#!/usr/bin/env python3
"""Generates a synthetic repository for drift-host's benchmarks.

    bench/synth.py OUT --hand N --prisma M --other K --models P
                   [--other-bytes B] [--seed S]

OUT gets (no git; OUT must not exist or be empty):

- prisma/schema.prisma: P models (scalar fields, @map/@@map, @unique,
  @@index, one-to-many relations, a few enums);
- prisma/migrations/<14-digit timestamp>_<name>/migration.sql: M Prisma
  migrations that together build exactly that schema (one CREATE TABLE per
  model, then ADD COLUMN / CREATE INDEX migrations), plus
  migration_lock.toml, so schema-drift finds nothing to report;
- prisma/migrations/NN_<name>.sql: N hand-written migrations next to
  Prisma's (the seed's hybrid layout, where drift-host's numbering,
  idempotency and schema-drift rules look for them). Mostly idempotent
  (IF NOT EXISTS, DO blocks, RLS policies, functions, partial indexes,
  backfills with WHERE), with a realistic sprinkle of findings: about one
  file in 12 has a non-idempotent CREATE, one file drops a table, and one
  number is used twice;
- CLAUDE.md with a "When Modifying Database Schema" section, package.json,
  .gitignore (node_modules);
- K other files, about B bytes each (.ts mostly, some .json and .md), in
  nested folders (src/module_17/feature_3/file_123.ts): the rest of a real
  repository, which drift-host walks but mostly does not read. With
  --md-share F, a fraction F of them is Markdown written like a monorepo's
  documentation: prose, fenced shell blocks of everyday commands (installs,
  dev servers, `prisma generate`, `migrate dev`, `psql` reads), tables and
  TypeScript snippets, the shape that makes document checks expensive.

Deterministic for a given seed. Python 3.11, standard library only. Prints
one line: files, MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

WORDS = [
    "tenant", "user", "account", "booking", "service", "invoice", "payment",
    "order", "product", "review", "session", "webhook", "event", "slot",
    "calendar", "address", "coupon", "refund", "message", "thread", "team",
    "project", "task", "comment", "report", "audit", "plan", "feature",
    "quota", "device", "token", "export", "import", "campaign", "segment",
]

# Prisma scalar type -> PostgreSQL type Prisma Migrate generates.
SCALARS = [
    ("String", "TEXT"),
    ("Int", "INTEGER"),
    ("Boolean", "BOOLEAN"),
    ("DateTime", "TIMESTAMP(3)"),
    ("Float", "DOUBLE PRECISION"),
    ("Json", "JSONB"),
    ("Decimal", "DECIMAL(65,30)"),
    ("BigInt", "BIGINT"),
]


def camel(*parts: str) -> str:
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def pascal(*parts: str) -> str:
    return "".join(p.capitalize() for p in parts)


def q(name: str) -> str:
    return f'"{name}"'


class Field:
    """A scalar field of a model (relation fields are rendered separately)."""

    def __init__(self, name: str, ptype: str, sqltype: str, optional: bool,
                 column: str | None = None, unique: bool = False,
                 default: str | None = None, sql_default: str | None = None,
                 is_id: bool = False) -> None:
        self.name = name
        self.ptype = ptype
        self.sqltype = sqltype
        self.optional = optional
        self.column = column or name
        self.unique = unique
        self.default = default
        self.sql_default = sql_default
        self.is_id = is_id

    def prisma(self, width: int) -> str:
        t = self.ptype + ("?" if self.optional else "")
        attrs = []
        if self.is_id:
            attrs.append("@id")
        if self.default:
            attrs.append(f"@default({self.default})")
        if self.unique:
            attrs.append("@unique")
        if self.column != self.name:
            attrs.append(f'@map("{self.column}")')
        return f"  {self.name.ljust(width)} {t.ljust(16)} {' '.join(attrs)}".rstrip()

    def sql(self) -> str:
        s = f"    {q(self.column)} {self.sqltype}"
        if not self.optional:
            s += " NOT NULL"
        if self.sql_default:
            s += f" DEFAULT {self.sql_default}"
        return s


class Model:
    def __init__(self, index: int, rng: random.Random) -> None:
        w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
        self.index = index
        self.name = pascal(w1, w2) + str(index)
        # About one model in six keeps its table under another name.
        self.table = f"{w1}_{w2}_{index}" if rng.random() < 0.16 else self.name
        self.words = (w1, w2)
        self.fields: list[Field] = [
            Field("id", "String", "TEXT", False, default="cuid()", is_id=True)
        ]
        self.parent: Model | None = None
        self.fk_field: Field | None = None
        self.children: list[Model] = []
        self.indexes: list[list[Field]] = []  # @@index
        self.later: list[tuple[str, object]] = []  # changes of later migrations

    def column_of(self, field: Field) -> str:
        return field.column


def build_schema(p: int, m: int, rng: random.Random):
    models = [Model(i, rng) for i in range(p)]
    enums: list[tuple[str, list[str]]] = []
    for e in range(max(1, p // 20)):
        enums.append((f"Status{e}", ["DRAFT", "ACTIVE", "ARCHIVED"][: 2 + e % 2]))
    for model in models:
        # Scalar fields of the CREATE TABLE.
        for k in range(rng.randint(3, 7)):
            ptype, sqltype = rng.choice(SCALARS)
            name = camel(rng.choice(WORDS), ["name", "count", "flag", "at", "value", "data", "kind"][k % 7]) + str(k)
            column = None
            if rng.random() < 0.2:
                column = name.lower() + "_col"
            optional = rng.random() < 0.4
            f = Field(name, ptype, sqltype, optional, column=column)
            if ptype == "String" and not optional and rng.random() < 0.15:
                f.unique = True
            if ptype == "DateTime" and not optional and rng.random() < 0.5:
                f.default, f.sql_default = "now()", "CURRENT_TIMESTAMP"
            if ptype == "Boolean" and not optional:
                f.default, f.sql_default = "false", "false"
            model.fields.append(f)
        if enums and rng.random() < 0.3:
            ename, values = rng.choice(enums)
            f = Field("status", ename, q(ename), False,
                      default=values[0], sql_default=f"'{values[0]}'")
            model.fields.append(f)
        # One-to-many relation to an earlier model.
        if model.index > 0 and rng.random() < 0.7:
            parent = models[rng.randrange(model.index)]
            model.parent = parent
            parent.children.append(model)
            fk_name = camel(*parent.words) + "Id"
            fk = Field(fk_name, "String", "TEXT", rng.random() < 0.3,
                       column=(parent.words[0] + "_" + parent.words[1] + "_id") if rng.random() < 0.3 else None)
            model.fk_field = fk
            model.fields.append(fk)
            model.indexes.append([fk])
        created_at = Field("createdAt", "DateTime", "TIMESTAMP(3)", False,
                           default="now()", sql_default="CURRENT_TIMESTAMP")
        model.fields.append(created_at)
        if rng.random() < 0.4:
            model.indexes.append([model.fields[1], created_at])
    # Later migrations: add a column (or an index on it) to some model.
    extra = max(0, m - min(m, p))
    for j in range(extra):
        model = models[rng.randrange(p)]
        n = len(model.later)
        ptype, sqltype = rng.choice(SCALARS[:5])
        name = f"extra{n}"
        column = f"extra_{n}" if rng.random() < 0.3 else None
        f = Field(name, ptype, sqltype, True, column=column)
        if j % 4 == 3:
            model.later.append(("column+index", f))
        else:
            model.later.append(("column", f))
    return models, enums


def render_schema(models: list[Model], enums) -> str:
    out = [
        "// Generated by bench/synth.py.",
        "datasource db {",
        '  provider = "postgresql"',
        '  url      = env("DATABASE_URL")',
        "}",
        "",
        "generator client {",
        '  provider = "prisma-client-js"',
        "}",
        "",
    ]
    for name, values in enums:
        out.append(f"enum {name} {{")
        out.extend(f"  {v}" for v in values)
        out.append("}")
        out.append("")
    for model in models:
        fields = list(model.fields)
        indexes = list(model.indexes)
        for kind, f in model.later:
            fields.append(f)
            if kind == "column+index":
                indexes.append([f])
        width = max(len(f.name) for f in fields)
        for c in model.children:
            width = max(width, len(camel(*c.words)) + len(str(c.index)) + 1)
        if model.parent:
            width = max(width, len(camel(*model.parent.words)))
        out.append(f"model {model.name} {{")
        for f in fields:
            out.append(f.prisma(width))
        if model.parent and model.fk_field:
            p = model.parent
            rel = camel(*p.words)
            t = p.name + ("?" if model.fk_field.optional else "")
            out.append(f"  {rel.ljust(width)} {t.ljust(16)} @relation(fields: [{model.fk_field.name}], references: [id])")
        for c in model.children:
            out.append(f"  {(camel(*c.words) + 's' + str(c.index)).ljust(width)} {c.name}[]")
        if indexes:
            out.append("")
        for idx in indexes:
            out.append(f"  @@index([{', '.join(f.name for f in idx)}])")
        if model.table != model.name:
            out.append(f'  @@map("{model.table}")')
        out.append("}")
        out.append("")
    return "\n".join(out)


def index_name(model: Model, cols: list[Field], suffix: str) -> str:
    return f"{model.table}_{'_'.join(f.column for f in cols)}_{suffix}"


def create_table_sql(model: Model) -> tuple[str, list[str], list[str]]:
    """CREATE TABLE, its indexes, and its foreign key (Prisma's layout)."""
    lines = [f.sql() for f in model.fields]
    lines.append(f"\n    CONSTRAINT {q(model.table + '_pkey')} PRIMARY KEY ({q('id')})")
    table = f"-- CreateTable\nCREATE TABLE {q(model.table)} (\n" + ",\n".join(lines) + "\n);\n"
    idx = []
    for f in model.fields:
        if f.unique:
            idx.append(f"-- CreateIndex\nCREATE UNIQUE INDEX {q(index_name(model, [f], 'key'))} "
                       f"ON {q(model.table)}({q(f.column)});\n")
    for cols in model.indexes:
        idx.append(f"-- CreateIndex\nCREATE INDEX {q(index_name(model, cols, 'idx'))} "
                   f"ON {q(model.table)}({', '.join(q(f.column) for f in cols)});\n")
    fks = []
    if model.parent and model.fk_field:
        on_delete = "SET NULL" if model.fk_field.optional else "RESTRICT"
        fks.append(
            f"-- AddForeignKey\nALTER TABLE {q(model.table)} ADD CONSTRAINT "
            f"{q(model.table + '_' + model.fk_field.column + '_fkey')} FOREIGN KEY ({q(model.fk_field.column)}) "
            f"REFERENCES {q(model.parent.table)}({q('id')}) ON DELETE {on_delete} ON UPDATE CASCADE;\n")
    return table, idx, fks


def prisma_migrations(models: list[Model], enums, m: int) -> list[tuple[str, str]]:
    """M (name, sql) pairs in order, building exactly the schema."""
    out: list[tuple[str, str]] = []
    p = len(models)
    creates = min(m, p)
    # Split the models into `creates` consecutive chunks.
    chunks = [models[i * p // creates:(i + 1) * p // creates] for i in range(creates)]
    for ci, chunk in enumerate(chunks):
        parts = []
        if ci == 0:
            for name, values in enums:
                vals = ", ".join(f"'{v}'" for v in values)
                parts.append(f"-- CreateEnum\nCREATE TYPE {q(name)} AS ENUM ({vals});\n")
        tables, idxs, fks = [], [], []
        for model in chunk:
            t, i, f = create_table_sql(model)
            tables.append(t)
            idxs.extend(i)
            fks.extend(f)
        parts += tables + idxs + fks
        name = "init" if ci == 0 else f"add_{chunk[0].table.lower()}"
        out.append((name, "\n".join(parts)))
    # Later migrations, in a deterministic interleaving: round-robin over the
    # models that have pending changes.
    pending = [list(model.later) for model in models]
    cursor = [0] * p
    order = [i for i in range(p) for _ in models[i].later]
    random.Random(len(order)).shuffle(order)
    for i in order:
        model = models[i]
        kind, f = pending[i][cursor[i]]
        cursor[i] += 1
        sql = f"-- AlterTable\nALTER TABLE {q(model.table)} ADD COLUMN {f.sql().strip()};\n"
        if kind == "column+index":
            sql += (f"\n-- CreateIndex\nCREATE INDEX {q(index_name(model, [f], 'idx'))} "
                    f"ON {q(model.table)}({q(f.column)});\n")
        out.append((f"add_{f.column.lower()}_to_{model.table.lower()}", sql))
    return out[:m]


HAND_TEMPLATES = [
    # (name, body, has_finding)
    ("enable_extensions", 'CREATE EXTENSION IF NOT EXISTS "pgcrypto";\nCREATE EXTENSION IF NOT EXISTS "citext";\n'),
    ("rls_{t}", 'ALTER TABLE "{t}" ENABLE ROW LEVEL SECURITY;\n'
                'DROP POLICY IF EXISTS tenant_isolation_{n} ON "{t}";\n'
                'CREATE POLICY tenant_isolation_{n} ON "{t}"\n'
                "    USING (current_setting('app.tenant_id', true) IS NOT NULL);\n"),
    ("touch_fn_{n}", "CREATE OR REPLACE FUNCTION touch_{n}() RETURNS trigger AS $$\n"
                     "BEGIN\n  NEW.\"createdAt\" := COALESCE(NEW.\"createdAt\", now());\n  RETURN NEW;\nEND;\n"
                     "$$ LANGUAGE plpgsql;\n\n"
                     'DROP TRIGGER IF EXISTS touch_{n} ON "{t}";\n'
                     'CREATE TRIGGER touch_{n} BEFORE INSERT ON "{t}"\n'
                     "    FOR EACH ROW EXECUTE FUNCTION touch_{n}();\n"),
    ("partial_index_{t}", 'CREATE INDEX IF NOT EXISTS "{t}_recent_{n}_idx" ON "{t}" ("createdAt")\n'
                          "    WHERE \"createdAt\" > '2024-01-01';\n"),
    ("backfill_{t}", 'UPDATE "{t}" SET "createdAt" = now() WHERE "createdAt" IS NULL;\n'),
    ("advisory_lock_{n}", "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'lock_{n}') THEN\n"
                          "    EXECUTE 'CREATE FUNCTION lock_{n}() RETURNS void AS ''SELECT pg_advisory_xact_lock({n})'' LANGUAGE sql';\n"
                          "  END IF;\nEND $$;\n"),
    ("comment_{t}", "COMMENT ON TABLE \"{t}\" IS 'Owned by the {w} team; see docs/{w}.md';\n"),
]

HAND_FINDINGS = [
    # Non-idempotent CREATEs.
    ("index_{t}_lookup", 'CREATE INDEX "{t}_lookup_{n}_idx" ON "{t}" ("createdAt") WHERE "createdAt" IS NOT NULL;\n'),
    ("policy_{t}", 'ALTER TABLE "{t}" ENABLE ROW LEVEL SECURITY;\n'
                   'CREATE POLICY read_own_{n} ON "{t}" USING (true);\n'),
    ("extension_trgm", "CREATE EXTENSION pg_trgm;\n"),
    ("fn_{n}", "CREATE FUNCTION helper_{n}() RETURNS int AS $$ SELECT {n} $$ LANGUAGE sql;\n"),
]


def hand_migrations(n: int, models: list[Model], rng: random.Random) -> list[tuple[str, str]]:
    width = max(2, len(str(n)))
    out = []
    dup = n // 2 if n >= 4 else None  # one number used twice
    number = 0
    for i in range(n):
        if not (dup is not None and i == dup + 1):
            number += 1
        model = rng.choice(models)
        t = model.table
        if n >= 3 and i == n * 2 // 3:
            name, body = "drop_legacy_reports", (
                "-- The reports table was replaced by the export service.\n"
                "DROP TABLE IF EXISTS legacy_reports;\n")
        elif i % 12 == 5:
            name, body = HAND_FINDINGS[(i // 12) % len(HAND_FINDINGS)]
        else:
            name, body = HAND_TEMPLATES[i % len(HAND_TEMPLATES)]
        fmt = {"t": t, "n": i + 1, "w": model.words[0]}
        header = f"-- {number:0{width}d}: {name.format(**fmt).replace('_', ' ')}\n-- Apply with: npx prisma db execute --file <this file>\n\n"
        out.append((f"{number:0{width}d}_{name.format(**fmt).lower()}.sql", header + body.format(**fmt)))
    return out


TS_LINES = [
    "import {{ {a}Service }} from '../{b}/{a}.service';",
    "export interface {A}{B}Props {{ id: string; {b}Id?: string; count: number }}",
    "export async function load{A}(id: string): Promise<{A} | null> {{",
    "  const row = await prisma.{a}.findUnique({{ where: {{ id }} }});",
    "  if (!row) return null;",
    "  return {{ ...row, label: `{a}-${{row.id}}` }};",
    "}}",
    "// TODO({b}): cache the {a} lookup per tenant",
    "export const {A}_LIMIT = {n};",
    "function validate{B}(input: unknown): input is {B} {{ return typeof input === 'object'; }}",
    "  for (const item of items) {{ total += item.{b}Count ?? 0; }}",
]

MD_LINES = [
    "# {A} {B}",
    "",
    "The {a} module talks to the {b} service through a queue.",
    "- Run `npm test -- {a}` before opening a pull request.",
    "- Configuration lives in `config/{a}.json`.",
    "",
    "```ts",
    "const x = await load{A}('{n}');",
    "```",
]


# Documentation the way monorepos write it: setup guides with fenced shell
# blocks of everyday commands, most of which mention no hazard at all, and a
# few that name prisma or psql harmlessly.
DOCS_LINES = [
    "## {A} {B}",
    "",
    "The {a} package owns the {b} pipeline. Start it locally:",
    "",
    "```bash",
    "pnpm install",
    "pnpm --filter @acme/{a} dev",
    "docker compose up -d postgres redis",
    "```",
    "",
    "| option | default | meaning |",
    "|---|---|---|",
    "| `{a}.timeout` | {n} | seconds before the {b} call gives up |",
    "",
    "After changing `schema.prisma`, regenerate the client:",
    "",
    "```sh",
    "npx prisma generate",
    "npx prisma migrate dev --name add_{a}_{b}",
    "```",
    "",
    "To look at the data, `psql $DATABASE_URL -c 'select count(*) from \"{A}\"'`.",
    "See [the {b} guide](../{b}/README.md) for deployment.",
    "",
    "```ts",
    "export const {a}Client = create{A}Client({{ retries: {n} }});",
    "```",
]


def text_of(kind: str, size: int, rng: random.Random) -> str:
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    fmt = {"a": a, "b": b, "A": a.capitalize(), "B": b.capitalize(), "n": rng.randrange(1000)}
    if kind == "json":
        obj = {"name": f"{a}-{b}", "version": f"1.{fmt['n']}.0", "entries": []}
        s = json.dumps(obj)
        while len(s) < size:
            obj["entries"].append({"key": f"{a}{len(obj['entries'])}", "value": b, "weight": len(s) % 97})
            s = json.dumps(obj, indent=2)
        return s + "\n"
    lines = MD_LINES if kind == "md" else DOCS_LINES if kind == "docs" else TS_LINES
    out, total, i = [], 0, rng.randrange(len(lines))
    while total < size:
        line = lines[i % len(lines)].format(**fmt) + "\n"
        out.append(line)
        total += len(line)
        i += 1
    return "".join(out)


def write(path: str, text: str, stats: list[int]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode()
    with open(path, "wb") as fh:
        fh.write(data)
    stats[0] += 1
    stats[1] += len(data)


CLAUDE_MD = """# {name}

Notes for AI coding agents working in this repository.

## When Modifying Database Schema

- Every schema change needs a migration: `npm exec prisma migrate dev --name <change>`.
- Hand-written SQL goes in `prisma/migrations/NN_name.sql` and must be idempotent
  (`IF NOT EXISTS`, `DO $$` blocks).
- Never edit a migration once it has been applied; write a new one.
- ❌ Never run without user consent: `npm exec prisma migrate reset` (destructive).

## Testing

Run `npm test` before every commit.
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--hand", type=int, default=20, help="hand-written migrations")
    ap.add_argument("--prisma", type=int, default=30, help="Prisma migrations")
    ap.add_argument("--other", type=int, default=100, help="other files")
    ap.add_argument("--models", type=int, default=20, help="models in schema.prisma")
    ap.add_argument("--other-bytes", type=int, default=4096, help="size of each other file")
    ap.add_argument("--md-share", type=float, default=None,
                    help="fraction of other files that are documentation-style Markdown")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.models < 1:
        ap.error("--models must be at least 1")
    if os.path.exists(args.out) and os.listdir(args.out):
        ap.error(f"{args.out} exists and is not empty")
    rng = random.Random(args.seed)
    stats = [0, 0]
    root = args.out

    models, enums = build_schema(args.models, args.prisma, rng)
    write(os.path.join(root, "prisma/schema.prisma"), render_schema(models, enums), stats)
    mig = os.path.join(root, "prisma/migrations")
    if args.prisma:
        write(os.path.join(mig, "migration_lock.toml"),
              '# Please do not edit this file manually\nprovider = "postgresql"\n', stats)
    ts = 20240101000000
    for i, (name, sql) in enumerate(prisma_migrations(models, enums, args.prisma)):
        # One migration a minute from 2024-01-01 00:00, valid timestamps.
        day, minute = divmod(i, 24 * 60)
        month, day = divmod(day, 28)
        year, month = divmod(month, 12)
        stamp = f"{2024 + year:04d}{month + 1:02d}{day + 1:02d}{minute // 60:02d}{minute % 60:02d}00"
        assert len(stamp) == 14 and int(stamp) >= ts
        write(os.path.join(mig, f"{stamp}_{name}", "migration.sql"), sql, stats)
    for name, sql in hand_migrations(args.hand, models, rng):
        write(os.path.join(mig, name), sql, stats)

    write(os.path.join(root, "CLAUDE.md"), CLAUDE_MD.format(name="synthetic"), stats)
    write(os.path.join(root, "package.json"), json.dumps({
        "name": "synthetic", "private": True,
        "scripts": {"build": "tsc -p .", "test": "vitest run",
                    "db:migrate": "prisma migrate dev", "db:status": "prisma migrate status"},
        "devDependencies": {"prisma": "^6.0.0", "typescript": "^5.6.0"},
    }, indent=2) + "\n", stats)
    write(os.path.join(root, ".gitignore"), "node_modules/\ndist/\n.env\n", stats)

    # Other files: src/module_<m>/feature_<f>/file_<i>.<ext>, ~40 files per
    # folder, 8 features per module. One in ten is Markdown, one in ten JSON.
    # A few distinct bodies per kind, varied per file, keep generation fast.
    bodies = {k: [text_of(k, args.other_bytes, rng) for _ in range(16)] for k in ("ts", "md", "json")}
    if args.md_share is not None:
        bodies["md"] = [text_of("docs", args.other_bytes, rng) for _ in range(16)]
    for i in range(args.other):
        r = i % 10
        if args.md_share is not None:
            # Spread evenly: file i is Markdown when the running share falls
            # behind F; the rest alternates TypeScript and JSON as usual.
            md = int((i + 1) * args.md_share) > int(i * args.md_share)
            kind = "md" if md else "json" if r == 7 else "ts"
        else:
            kind = "md" if r == 3 else "json" if r == 7 else "ts"
        folder = i // 40
        module, feature = divmod(folder, 8)
        body = bodies[kind][i % 16]
        if kind == "ts":
            body = f"// file {i}\n" + body
        elif kind == "md":
            body = f"<!-- file {i} -->\n" + body
        write(os.path.join(root, "src" if kind != "md" else "docs", f"module_{module}",
                           f"feature_{feature}", f"file_{i}.{kind}"), body, stats)

    print(f"{root}: {stats[0]} files, {stats[1] / 1048576:.1f} MB "
          f"({args.hand} hand-written + {args.prisma} Prisma migrations, {args.models} models, "
          f"{args.other} other files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
