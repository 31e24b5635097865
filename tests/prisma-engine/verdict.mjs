#!/usr/bin/env node
// Reference drift verdict from Prisma's own schema engine (WebAssembly build),
// equivalent to
//   prisma migrate diff --from-migrations <dir> --to-schema-datamodel <schema> --script --exit-code
// i.e. "the SQL the next `prisma migrate dev` migration would contain".
//
// usage: node verdict.mjs --schema <file-or-folder> --migrations <dir> [--out result.json]
//          [--prisma auto|7|6|next] [--replay auto|engine|harness] [--only-sql-folders]
//          [--init-shadow-db file.sql] [--verbose]          (see --help, README.md)
// exit code: 0 = no drift, 2 = drift, 1 = error (like --exit-code). JSON on stdout.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { createRequire } from 'node:module'
import pg from 'pg'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { makeVerdictAdapterFactory, pgConfigFromEnv } from './lib/pg-adapter.mjs'
import { splitSqlStatements, extractWarnings } from './lib/sql-split.mjs'
import { loadSchemaFiles, normaliseDatasource, listMigrations } from './lib/inputs.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const NM = path.join(HERE, 'node_modules')
const require = createRequire(import.meta.url)
const pkgVersion = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version

// Which Prisma's engine to run. Each entry: wasm binary, its wasm-bindgen JS glue,
// the driver adapter of the same release line, and that adapter's driver-adapter-utils.
const ENGINES = {
  // Prisma 7.10.1 (npm "latest"): the exact schema engine of that release is
  // prisma@7.10.1/build/schema_engine_bg.wasm (engines commit d1b3f377, not published
  // as @prisma/schema-engine-wasm); its glue is the import-identical 8.1.0-2 build's.
  7: {
    wasm: path.join(NM, 'prisma7/build/schema_engine_bg.wasm'),
    glue: path.join(NM, 'schema-engine-wasm-next/schema_engine_bg.js'),
    adapterPkg: path.join(NM, 'adapter-pg-7'),
    prismaPkg: path.join(NM, 'prisma7'),
    engineLabel: 'prisma-engines d1b3f377 (engines 8.1.0-1, as shipped in prisma@7.10.1)',
    prisma7Datasource: true,
  },
  // Prisma 6.19.3 (last 6.x): the same wasm the prisma@6.19.3 CLI loads for
  // `engine: "js"` (byte-identical to @prisma/schema-engine-wasm@7.1.1-3.c2990dca).
  6: {
    wasm: path.join(NM, '@prisma/schema-engine-wasm/schema_engine_bg.wasm'),
    glue: path.join(NM, '@prisma/schema-engine-wasm/schema_engine_bg.js'),
    adapterPkg: path.join(NM, '@prisma/adapter-pg'),
    prismaPkg: path.join(NM, 'prisma'),
    engineLabel: 'prisma-engines c2990dca (engines 7.1.1-3, as shipped in prisma@6.19.3)',
    prisma7Datasource: false,
  },
  // Newest wasm build on npm (8.1.0-2.59be4fda, a dev build after 7.10.1), Prisma 7 schema rules.
  next: {
    wasm: path.join(NM, 'schema-engine-wasm-next/schema_engine_bg.wasm'),
    glue: path.join(NM, 'schema-engine-wasm-next/schema_engine_bg.js'),
    adapterPkg: path.join(NM, 'adapter-pg-7'),
    prismaPkg: null,
    engineLabel: 'prisma-engines 59be4fda (engines 8.1.0-2, newest wasm on npm)',
    prisma7Datasource: true,
  },
}

function parseArgs(argv) {
  const args = { prisma: 'auto', verbose: false, replay: 'auto' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1)
      if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`)
      return argv[++i]
    }
    const key = a.split('=')[0]
    if (key === '--schema') args.schema = val()
    else if (key === '--migrations') args.migrations = val()
    else if (key === '--out') args.out = val()
    else if (key === '--prisma' || key === '--engine') args.prisma = val()
    else if (key === '--init-shadow-db') args.initShadowDb = val()
    else if (key === '--only-sql-folders') args.onlySqlFolders = true
    else if (key === '--replay') args.replay = val()
    else if (key === '--verbose' || key === '-v') args.verbose = true
    else if (key === '--help' || key === '-h') args.help = true
    else throw new Error(`unknown argument ${a}`)
  }
  return args
}

const USAGE = `usage: node verdict.mjs --schema <file-or-folder> --migrations <dir> [--out result.json]
                         [--prisma auto|7|6|next] [--replay auto|engine|harness]
                         [--init-shadow-db file.sql] [--only-sql-folders] [--verbose]
  --prisma auto (default): Prisma 6.19.3's engine if the datasource block has \`url\` (a Prisma 6
      project), else Prisma 7.10.1's; 7 | 6 force one; next = newest wasm engine build on npm
  --replay engine|harness|auto (default auto)
      engine:  the engine replays the migrations into its own shadow db (literal --from-migrations)
      harness: this script replays them (one simple query per migration.sql) into a scratch db and the
               engine diffs that db against the schema; auto = harness only when the schema declares
               postgresqlExtensions extensions (the wasm engine's shadow db drops them), else engine
  --only-sql-folders  drop sub-folders that have no migration.sql (Prisma itself would fail on them;
                      for repos whose own runner copies only SQL migrations, e.g. formbricks)
env: PGV_HOST (default /tmp/pgv) PGV_PORT PGV_USER PGV_DB PGV_PASSWORD, or PGV_URL=postgresql://u:p@h:port/db`

// ---------- the engine ----------

// The engine's panic hook writes the panic message here (the Prisma CLI installs the
// same registry); without it a Rust panic becomes an unrelated TypeError.
const panicRegistry = {
  message: null,
  get() {
    return this.message
  },
  set_message(m) {
    this.message = `RuntimeError: ${m}`
  },
}
globalThis.PRISMA_WASM_PANIC_REGISTRY = panicRegistry

async function loadEngine(spec) {
  // Same instantiation as prisma@6.19.3 build/index.js (the package's own entry uses
  // an ESM .wasm import, which Node 20 cannot load).
  const glue = await import(pathToFileURL(spec.glue).href)
  const mod = new WebAssembly.Module(await fsp.readFile(spec.wasm))
  const inst = new WebAssembly.Instance(mod, { './schema_engine_bg.js': glue })
  glue.__wbg_set_wasm(inst.exports)
  inst.exports.__wbindgen_start()
  return glue.SchemaEngine
}

async function main() {
  const t0 = Date.now()
  let args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`)
    process.exit(1)
  }
  if (args.help || !args.schema || !args.migrations) {
    console.error(USAGE)
    process.exit(args.help ? 0 : 1)
  }
  if (!['engine', 'harness', 'auto'].includes(args.replay)) {
    console.error('--replay must be engine, harness or auto')
    process.exit(1)
  }
  let autoNote = null
  if (args.prisma === 'auto') {
    // Prisma 6 projects keep `url` in the datasource block; Prisma 7 forbids it there.
    let raw = []
    try {
      raw = await loadSchemaFiles(path.resolve(args.schema))
    } catch {}
    const hasUrl = raw.some(([, c]) => /datasource\s+\w+\s*\{[^}]*^\s*url\s*=/m.test(c.replace(/\/\/.*$/gm, '')))
    args.prisma = hasUrl ? '6' : '7'
    autoNote = `--prisma auto: datasource ${hasUrl ? 'has' : 'has no'} \`url\` -> Prisma ${hasUrl ? '6 (6.19.3)' : '7 (7.10.1)'}`
  }
  const spec = ENGINES[args.prisma]
  if (!spec) {
    console.error(`--prisma must be one of auto, ${Object.keys(ENGINES).join(', ')}`)
    process.exit(1)
  }
  const engineVersion = pkgVersion(path.dirname(spec.glue))
  const prismaLabel = spec.prismaPkg
    ? `${pkgVersion(spec.prismaPkg)}`
    : `schema-engine-wasm ${engineVersion}`
  const result = {
    drifted: false,
    steps: [],
    script: '',
    error: null,
    prisma: prismaLabel,
    engine: {
      build: spec.engineLabel,
      wasm: path.relative(HERE, spec.wasm),
      glue: `@prisma/schema-engine-wasm ${engineVersion}`,
      adapter: `@prisma/adapter-pg ${pkgVersion(spec.adapterPkg)}`,
    },
    exitCode: null,
    stepLabels: [],
    warnings: [],
    schemaFiles: [],
    migrations: [],
    notes: autoNote ? [autoNote] : [],
    elapsedMs: 0,
  }
  current = { result, args, t0 }
  const log = args.verbose ? (m) => process.stderr.write(`${m}\n`) : undefined
  let engine
  let factory
  let rawFactory = null
  let scratchDb = null
  current.cleanup = async () => {
    if (scratchDb) await dropDb(pgConfigFromEnv(), scratchDb).catch(() => {})
    await rawFactory?.cleanupShadowDbs?.().catch(() => {})
  }
  try {
    const schemaPath = path.resolve(args.schema)
    const raw = await loadSchemaFiles(schemaPath)
    const { files, notes } = normaliseDatasource(raw, spec.prisma7Datasource)
    result.notes.push(...notes)
    result.schemaFiles = files.map(([p]) => p)
    const initScript = args.initShadowDb ? await fsp.readFile(args.initShadowDb, 'utf8') : ''
    const migrationsList = await listMigrations(args.migrations, initScript)
    if (args.onlySqlFolders) {
      const skipped = migrationsList.migrationDirectories.filter((d) => d.migrationFile.content.tag !== 'ok')
      if (skipped.length) {
        migrationsList.migrationDirectories = migrationsList.migrationDirectories.filter((d) => d.migrationFile.content.tag === 'ok')
        result.notes.push(`--only-sql-folders: skipped ${skipped.length} folder(s) without migration.sql: ${skipped.map((d) => d.path).join(', ')}`)
      }
    }
    result.migrations = migrationsList.migrationDirectories.map((d) => d.path)
    if (migrationsList.lockfile.content == null) {
      // The wasm engine takes the connector from the lockfile and fails without one
      // ("Could not determine the connector..."); the native CLI would take it from the
      // shadow database URL. Supply what `migrate dev` would have written.
      migrationsList.lockfile.content = 'provider = "postgresql"\n'
      result.notes.push('migration_lock.toml missing: assumed provider = "postgresql"')
    }
    const ignored = (await fsp.readdir(migrationsList.baseDir, { withFileTypes: true }))
      .filter((e) => !e.isDirectory() && e.name !== 'migration_lock.toml')
      .map((e) => e.name)
    if (ignored.length) result.notes.push(`ignored (not migration folders): ${ignored.join(', ')}`)

    const usesExtensions = files.some(([, c]) => /postgresqlExtensions/.test(c)) &&
      files.some(([, c]) => /^\s*extensions\s*=/m.test(c))
    const replay = args.replay === 'auto' ? (usesExtensions ? 'harness' : 'engine') : args.replay
    result.replay = replay
    if (args.replay === 'auto' && replay === 'harness') {
      result.notes.push(
        'replay=harness (auto): the schema declares postgresqlExtensions `extensions`; the wasm engine\'s own ' +
          'shadow database loses preview features and would report every extension as missing',
      )
    }

    const areq = createRequire(path.join(spec.adapterPkg, 'package.json'))
    const { PrismaPg } = areq(spec.adapterPkg)
    const { bindMigrationAwareSqlAdapterFactory } = areq('@prisma/driver-adapter-utils')
    const baseConfig = pgConfigFromEnv()
    let mainConfig = baseConfig
    if (replay === 'harness') {
      scratchDb = await replayIntoScratchDb(baseConfig, migrationsList, log)
      mainConfig = { ...baseConfig, database: scratchDb }
    }
    // PGV_STOCK_ADAPTER=1: use @prisma/adapter-pg unpatched (only to reproduce its pitfalls).
    rawFactory = process.env.PGV_STOCK_ADAPTER === '1'
      ? new PrismaPg(mainConfig)
      : makeVerdictAdapterFactory(PrismaPg, mainConfig, { log })
    if (process.env.PGV_STOCK_ADAPTER === '1') result.notes.push('PGV_STOCK_ADAPTER=1: unpatched @prisma/adapter-pg')
    factory = bindMigrationAwareSqlAdapterFactory(rawFactory)

    const SchemaEngine = await loadEngine(spec)
    // Same call as the CLI: SchemaEngine.new({ datamodels }, logCallback, boundAdapterFactory)
    engine = await SchemaEngine.new({ datamodels: files }, (m) => log?.(`[engine] ${m}`), factory)
    const schemas = files.map(([p, content]) => ({ path: p, content }))
    const params = {
      // engine: `migrate diff --from-migrations` exactly (engine replays into its own shadow db)
      // harness: we replayed into a scratch db; the engine describes it as a live database
      from: replay === 'harness'
        ? { tag: 'schemaDatasource', files: schemas, configDir: path.dirname(files[0][0]) }
        : { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: schemas },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    }
    if (args.prisma === '6') params.shadowDatabaseUrl = null
    const out = await engine.diff(params)
    result.exitCode = out.exitCode
    result.script = out.stdout ?? ''
    const stmts = splitSqlStatements(result.script)
    result.steps = stmts.map((s) => s.sql)
    result.stepLabels = stmts.map((s) => s.label)
    result.warnings = extractWarnings(result.script)
    result.drifted = out.exitCode === 2
    if (out.exitCode !== 0 && out.exitCode !== 2) result.error = `engine exit code ${out.exitCode}`
  } catch (e) {
    result.error = describeError(e, factory)
  } finally {
    try {
      engine?.free()
    } catch {}
    if (scratchDb) await dropDb(pgConfigFromEnv(), scratchDb, log).catch((e) => result.notes.push(`could not drop ${scratchDb}: ${e.message}`))
    scratchDb = null
    await rawFactory?.cleanupShadowDbs?.().catch(() => {})
  }
  emit(result, args, t0)
}

let current = null
function emit(result, args, t0) {
  result.elapsedMs = Date.now() - t0
  const json = JSON.stringify(result, null, 2)
  if (args.out) fs.writeFileSync(args.out, json + '\n')
  process.stdout.write(json + '\n')
  process.exit(result.error ? 1 : result.drifted ? 2 : 0)
}

// A Rust panic inside the engine surfaces as an uncaught RuntimeError ("unreachable")
// from a wasm callback, outside main()'s promise chain.
process.on('uncaughtException', (e) => {
  if (!current) throw e
  const { result, args, t0, cleanup } = current
  result.drifted = false
  result.steps = []
  result.error = describeError(e, null)
  Promise.resolve(cleanup?.())
    .catch(() => {})
    .finally(() => emit(result, args, t0))
})

// --replay harness: apply every migration.sql, in order, to a fresh scratch database,
// each as ONE simple-query script (what the native engine does on its shadow db).
async function replayIntoScratchDb(config, migrationsList, log) {
  const db = `prisma_verdict_${globalThis.crypto.randomUUID()}`
  const admin = new pg.Client(config)
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${db}"`)
  } finally {
    await admin.end()
  }
  log?.(`[replay] created ${db}`)
  const c = new pg.Client({ ...config, database: db })
  await c.connect()
  try {
    if (migrationsList.shadowDbInitScript) await c.query(migrationsList.shadowDbInitScript)
    for (const m of migrationsList.migrationDirectories) {
      if (m.migrationFile.content.tag !== 'ok') {
        const err = new Error(`Could not find the migration file at ${m.path}/migration.sql. Please delete the directory or restore the migration file.`)
        err.code = 'P3015'
        throw err
      }
      try {
        await c.query(m.migrationFile.content.value)
      } catch (e) {
        const err = new Error(`Migration \`${m.path}\` failed to apply cleanly to the shadow database. \nError:\n${e.message}${e.detail ? `\nDETAIL: ${e.detail}` : ''}`)
        err.code = 'P3006'
        throw err
      }
      log?.(`[replay] applied ${m.path}`)
    }
  } catch (e) {
    await c.end().catch(() => {})
    await dropDb(config, db, log).catch(() => {})
    throw e
  }
  await c.end()
  return db
}

async function dropDb(config, db, log) {
  const admin = new pg.Client(config)
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)
    log?.(`[replay] dropped ${db}`)
  } finally {
    await admin.end()
  }
}

function describeError(e, factory) {
  if (e == null) return 'unknown error'
  let msg = typeof e === 'string' ? e : e.message ?? String(e)
  if (panicRegistry.message) msg = `schema engine panicked: ${panicRegistry.message}\n(${msg})`
  if (e.code) msg = `${e.code}: ${msg}`
  // Errors thrown inside JS (the adapter) are kept in the factory's registry, the
  // engine only sees an id. Surface them.
  const reg = factory?.errorRegistry
  const errs = Array.isArray(reg?.registeredErrors) ? reg.registeredErrors : []
  errs.forEach((r, id) => {
    if (r?.error) msg += `\n[adapter error #${id}] ${r.error.message ?? r.error}`
  })
  return msg.trim()
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ drifted: false, steps: [], script: '', error: String(e?.stack ?? e), prisma: null }) + '\n')
  process.exit(1)
})
