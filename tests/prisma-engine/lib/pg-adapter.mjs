// A driver-adapter factory for Prisma's WebAssembly schema engine, built on the
// official @prisma/adapter-pg, with three fixes the stock adapter needs to be a
// faithful stand-in for the native schema engine:
//
//  1. executeScript(): the stock adapter splits the script on every ';' and sends
//     the pieces one by one. That breaks migration.sql files with ';' inside
//     string literals, comments, or $$-quoted function bodies / DO blocks. The
//     native engine sends the whole migration as ONE simple-query message
//     (tokio-postgres batch_execute), so we do the same: pool.query(script) with
//     no parameters uses the simple query protocol, which accepts many
//     statements and runs them in one implicit transaction, like the native one.
//  2. Result columns of PostgreSQL-internal types ("char" oid 18, name oid 19,
//     name[] oid 1003, other builtin oids the adapter does not map) make the stock
//     adapter throw UnsupportedNativeDataType. "char" is handed to the engine as
//     Character (the describer reads pg_constraint.contype with get_char() and
//     panics on a CHECK constraint if it gets Text); name[] as text[]; the rest as
//     text. (PGV_CHAR_AS_TEXT=1 hands "char" over as Text, to reproduce that panic.)
//  3. connectToShadowDb(): the stock adapter runs DROP DATABASE before closing the
//     shadow pool, so the drop fails with "database ... is being accessed by other
//     users". We close the pool first and drop WITH (FORCE) on a separate admin
//     connection, so the scratch database is always removed.
import pg from 'pg'
import { parse as parsePgArray } from 'postgres-array'

const TEXT_OID = 25
const TEXT_ARRAY_OID = 1009
const NAME_ARRAY_OID = 1003 // name[]: not parsed by pg, not mapped by the adapter
const FIRST_NORMAL_OBJECT_ID = 16384
// Builtin OIDs that @prisma/adapter-pg maps itself (scalars and arrays); any
// other builtin OID seen in a result is re-labelled as text.
const KNOWN = new Set([
  16, 17, 20, 21, 23, 25, 26, 114, 650, 700, 701, 790, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1266,
  1560, 1562, 1700, 2950, 3802, 142,
  // arrays
  143, 199, 651, 791, 1000, 1001, 1002, 1005, 1007, 1009, 1014, 1015, 1016, 1021, 1022, 1028, 1040, 1041,
  1115, 1182, 1183, 1185, 1231, 1270, 1561, 1563, 2951, 3807,
])

const CHAR_OID = 18 // PostgreSQL's internal one-byte "char" (pg_constraint.contype, ...)
const COLUMN_TYPE_CHARACTER = 6 // ColumnTypeEnum.Character in @prisma/driver-adapter-utils
const COLUMN_TYPE_TEXT = 7

// Returns the indexes of "char" columns (they must reach the engine as Character,
// which the describer reads with get_char(); as Text it panics on CHECK constraints).
function relabelFields(result, log) {
  const charCols = []
  if (result && Array.isArray(result.fields)) {
    result.fields.forEach((f, col) => {
      if (f.dataTypeID === NAME_ARRAY_OID) {
        log?.(`[relabel] column ${f.name}: name[] -> text[]`)
        f.dataTypeID = TEXT_ARRAY_OID
        for (const row of result.rows ?? []) {
          if (typeof row[col] === 'string') row[col] = parsePgArray(row[col])
        }
      } else if (f.dataTypeID === CHAR_OID && process.env.PGV_CHAR_AS_TEXT !== '1') {
        log?.(`[relabel] column ${f.name}: "char" -> Character`)
        f.dataTypeID = TEXT_OID
        charCols.push(col)
      } else if (f.dataTypeID < FIRST_NORMAL_OBJECT_ID && !KNOWN.has(f.dataTypeID)) {
        log?.(`[relabel] column ${f.name}: builtin oid ${f.dataTypeID} -> text`)
        f.dataTypeID = TEXT_OID
      }
    })
  }
  return charCols
}

function patchQueryable(q, log) {
  if (typeof q.performIO === 'function') {
    const charColsByQuery = new WeakMap()
    const orig = q.performIO.bind(q)
    q.performIO = async (query) => {
      const result = await orig(query)
      const charCols = relabelFields(result, log)
      if (charCols.length && query && typeof query === 'object') charColsByQuery.set(query, charCols)
      return result
    }
    const origQueryRaw = q.queryRaw.bind(q)
    q.queryRaw = async (query) => {
      const out = await origQueryRaw(query)
      const charCols = charColsByQuery.get(query)
      if (charCols) {
        for (const col of charCols) {
          if (out.columnTypes[col] === COLUMN_TYPE_TEXT) out.columnTypes[col] = COLUMN_TYPE_CHARACTER
        }
      }
      return out
    }
  }
  return q
}

function patchAdapter(adapter, log) {
  patchQueryable(adapter, log)
  const client = adapter.client ?? (adapter.underlyingDriver && adapter.underlyingDriver())
  adapter.executeScript = async (script) => {
    log?.(`[executeScript] ${script.length} chars as one simple query`)
    try {
      await client.query(script)
    } catch (error) {
      adapter.onError(error) // throws DriverAdapterError, like the stock adapter
    }
  }
  const origStart = adapter.startTransaction.bind(adapter)
  adapter.startTransaction = async (...args) => patchQueryable(await origStart(...args), log)
  return adapter
}

/**
 * @param {typeof import('@prisma/adapter-pg').PrismaPg} PrismaPg  the adapter class to build on
 * @param {import('pg').PoolConfig} config  connection of the "main" database (never written to by diff)
 */
export function makeVerdictAdapterFactory(PrismaPg, config, { log } = {}) {
  const liveShadowDbs = new Set()
  class VerdictPg extends PrismaPg {
    /** Drop shadow databases the engine did not dispose of (e.g. after a panic). */
    async cleanupShadowDbs() {
      for (const database of [...liveShadowDbs]) {
        const a = new pg.Client(config)
        await a.connect()
        try {
          await a.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
          liveShadowDbs.delete(database)
          log?.(`[shadow] cleaned up ${database}`)
        } finally {
          await a.end()
        }
      }
    }

    async connect() {
      return patchAdapter(await super.connect(), log)
    }

    async connectToShadowDb() {
      const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
      const admin = new pg.Client(config)
      await admin.connect()
      try {
        await admin.query(`CREATE DATABASE "${database}"`)
      } finally {
        await admin.end()
      }
      liveShadowDbs.add(database)
      log?.(`[shadow] created ${database}`)
      const inner = new PrismaPg({ ...config, database })
      const adapter = patchAdapter(await inner.connect(), log)
      const origDispose = adapter.dispose.bind(adapter)
      adapter.dispose = async () => {
        try {
          await origDispose() // ends the shadow pool first
        } finally {
          const a = new pg.Client(config)
          await a.connect()
          try {
            await a.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
            liveShadowDbs.delete(database)
            log?.(`[shadow] dropped ${database}`)
          } finally {
            await a.end()
          }
        }
      }
      return adapter
    }
  }
  return new VerdictPg(config)
}

/** pg connection config from env: PGV_HOST (socket dir or host), PGV_PORT, PGV_USER, PGV_DB, or PGV_URL */
export function pgConfigFromEnv(env = process.env) {
  if (env.PGV_URL) {
    // parsed into fields, because pg lets a connectionString override `database`,
    // and the shadow database must be selected by `database`.
    const u = new URL(env.PGV_URL)
    return {
      host: u.searchParams.get('host') ?? decodeURIComponent(u.hostname),
      port: u.port ? Number(u.port) : 5432,
      user: decodeURIComponent(u.username) || 'postgres',
      password: u.password ? decodeURIComponent(u.password) : undefined,
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
      max: 4,
    }
  }
  return {
    host: env.PGV_HOST ?? '/tmp/pgv',
    port: env.PGV_PORT ? Number(env.PGV_PORT) : 5432,
    user: env.PGV_USER ?? 'postgres',
    password: env.PGV_PASSWORD,
    database: env.PGV_DB ?? 'postgres',
    max: 4,
  }
}
