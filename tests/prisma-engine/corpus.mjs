#!/usr/bin/env node
// Builds the engine-verdict corpus: for every project in corpus/projects.json, the last
// commits that touched its schema, and for each commit what Prisma's own schema engine
// answers for `prisma migrate diff --from-migrations <dir> --to-schema <schema> --exit-code`
// (verdict.mjs). The answers are committed as corpus/verdicts/<project>.json, so the Rust
// tests that hold schema-drift to them need neither Node nor a database; they do need the
// projects' git histories, which are not ours to commit (see README.md).
//
// usage: node corpus.mjs --repos <dir> [--only <project>] [--commits N]
//          <dir>/<name> is a git clone (or bare mirror) of each project's repository
//        node corpus.mjs --fixtures
//          the verdicts of schema-drift's own fixtures (corpus/fixtures.json)
// Both need the PostgreSQL server of start-pg.sh.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { execFileSync, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const PROJECTS = path.join(HERE, 'corpus/projects.json')
const OUT = path.join(HERE, 'corpus/verdicts')

function parseArgs(argv) {
  const args = { commits: null, only: null, repos: null, fixtures: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--repos') args.repos = argv[++i]
    else if (a === '--only') args.only = argv[++i]
    else if (a === '--commits') args.commits = Number(argv[++i])
    else if (a === '--fixtures') args.fixtures = true
    else throw new Error(`unknown argument ${a}\nusage: node corpus.mjs --repos <dir> [--only <project>] [--commits N]`)
  }
  if (!args.repos && !args.fixtures) throw new Error('--repos <dir> or --fixtures is required')
  return args
}

const git = (dir, ...args) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })

// The last `n` commits (newest first) that touched the schema and at which both the
// schema and the migrations folder exist.
function selectCommits(dir, project, n) {
  const out = []
  const log = git(dir, 'log', '--format=%H %cs', '--first-parent', 'HEAD', '--', project.schema).trim().split('\n')
  for (const line of log) {
    if (!line) continue
    const [commit, date] = line.split(' ')
    const has = (p) => spawnSync('git', ['-C', dir, 'cat-file', '-e', `${commit}:${p}`]).status === 0
    if (!has(project.schema) || !has(project.migrations)) continue
    out.push({ commit, date })
    if (out.length === n) break
  }
  return out
}

// verdict.mjs on one schema and migrations folder, the parts of its answer a test reads.
function verdict(root, schema, migrations, flags) {
  const run = spawnSync(
    process.execPath,
    [path.join(HERE, 'verdict.mjs'), '--schema', path.join(root, schema), '--migrations', path.join(root, migrations), ...flags],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  )
  const r = JSON.parse(run.stdout)
  return {
    drifted: r.drifted,
    error: r.error ? r.error.replaceAll(root + '/', '').split('\n').slice(0, 4).join('\n') : null,
    prisma: r.prisma,
    steps: r.steps,
    labels: r.stepLabels,
    migrations: r.migrations.length,
  }
}

function verdictAt(dir, project, commit) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-corpus-'))
  try {
    const archive = spawnSync('git', ['-C', dir, 'archive', '--format=tar', commit, project.schema, project.migrations], {
      maxBuffer: 1 << 30,
    })
    if (archive.status !== 0) throw new Error(`git archive ${commit}: ${archive.stderr}`)
    execFileSync('tar', ['-x', '-C', tmp], { input: archive.stdout })
    return verdict(tmp, project.schema, project.migrations, project.flags ?? [])
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

// What a verdict was computed from: SHA-256 over each file below the fixture (sorted by
// '/'-separated relative path) as path, NUL, content, NUL. tests/cli/engine_corpus.rs computes
// the same and refuses a verdict whose fixture changed since.
function fixtureDigest(dir) {
  const files = []
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) walk(r)
      else files.push(r)
    }
  }
  walk('')
  files.sort()
  const hash = createHash('sha256')
  for (const f of files) {
    hash.update(f)
    hash.update('\0')
    hash.update(fs.readFileSync(path.join(dir, f)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

// Every fixture of schema-drift: a folder holding prisma/schema.prisma and prisma/migrations.
function fixtureVerdicts() {
  const workspace = path.resolve(HERE, '../..')
  const roots = ['plugins/schema-drift/tests/checks', 'plugins/schema-drift/tests/fixtures']
  const found = []
  const walk = (rel) => {
    const abs = path.join(workspace, rel)
    if (fs.existsSync(path.join(abs, 'prisma/schema.prisma')) && fs.existsSync(path.join(abs, 'prisma/migrations'))) {
      found.push(rel)
      return
    }
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(path.join(rel, e.name))
    }
  }
  roots.forEach(walk)
  const out = {}
  for (const rel of found) {
    const v = verdict(path.join(workspace, rel), 'prisma/schema.prisma', 'prisma/migrations', [])
    delete v.migrations
    out[rel] = { digest: fixtureDigest(path.join(workspace, rel)), ...v }
    console.error(`${rel} ${v.error ? `ERROR ${v.error.split('\n')[0].slice(0, 80)}` : v.drifted ? `drift ${v.steps.length}` : 'clean'}`)
  }
  fs.writeFileSync(path.join(HERE, 'corpus/fixtures.json'), JSON.stringify(out, null, 1) + '\n')
}

const args = parseArgs(process.argv.slice(2))
if (args.fixtures) {
  fixtureVerdicts()
  process.exit(0)
}
const projects = JSON.parse(fs.readFileSync(PROJECTS, 'utf8'))
fs.mkdirSync(OUT, { recursive: true })
for (const project of projects) {
  if (args.only && project.name !== args.only) continue
  const dir = path.join(args.repos, project.clone)
  if (!fs.existsSync(dir)) {
    console.error(`${project.name}: no clone at ${dir}, skipped`)
    continue
  }
  const commits = selectCommits(dir, project, args.commits ?? project.commits)
  const verdicts = []
  for (const { commit, date } of commits) {
    const v = verdictAt(dir, project, commit)
    verdicts.push({ commit, date, ...v })
    const what = v.error ? `ERROR ${v.error.split('\n')[0].slice(0, 80)}` : v.drifted ? `drift ${v.steps.length}` : 'clean'
    console.error(`${project.name} ${commit.slice(0, 10)} ${what}`)
  }
  const { commits: _n, ...meta } = project
  fs.writeFileSync(path.join(OUT, `${project.name}.json`), JSON.stringify({ ...meta, verdicts }, null, 1) + '\n')
}
