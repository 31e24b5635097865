import fsp from 'node:fs/promises'
import path from 'node:path'

// ---------- inputs, read exactly like the Prisma CLI does ----------

// Prisma CLI (@prisma/schema-files-loader): a folder is searched recursively for
// *.prisma files (symlinks followed); a file is used alone.
export async function loadSchemaFiles(p) {
  const st = await fsp.stat(p)
  if (st.isFile()) return [[p, await fsp.readFile(p, 'utf8')]]
  const out = []
  const walk = async (dir) => {
    const names = (await fsp.readdir(dir)).sort()
    for (const n of names) {
      const full = path.join(dir, n)
      const s = await fsp.stat(full) // follows symlinks
      if (s.isDirectory()) await walk(full)
      else if (s.isFile() && path.extname(n) === '.prisma') out.push([full, await fsp.readFile(full, 'utf8')])
    }
  }
  await walk(p)
  if (out.length === 0) throw new Error(`no .prisma files under ${p}`)
  return out
}

// Prisma 7 rejects url/directUrl/shadowDatabaseUrl in the datasource block (they
// moved to prisma.config.ts); Prisma 6 requires `url`. Normalise for the chosen engine.
export function normaliseDatasource(files, prisma7) {
  const notes = []
  let sawUrl = false
  let dsFile = -1
  const out = files.map(([p, content], idx) => {
    const lines = content.split('\n')
    let inDs = false
    let depth = 0
    const kept = []
    for (const line of lines) {
      const code = line.replace(/\/\/.*$/, '')
      if (!inDs && /^\s*datasource\s+\w+\s*\{/.test(code)) {
        inDs = true
        depth = 0
        dsFile = idx
      }
      if (inDs) {
        depth += (code.match(/\{/g) || []).length - (code.match(/\}/g) || []).length
        const m = code.match(/^\s*(url|directUrl|shadowDatabaseUrl)\s*=/)
        if (m) {
          if (m[1] === 'url') sawUrl = true
          if (prisma7) {
            notes.push(`removed datasource \`${m[1]}\` (${path.basename(p)}) for Prisma 7`)
            continue
          }
        }
        if (depth <= 0 && /\}/.test(code)) {
          if (!prisma7 && !sawUrl) {
            kept.push('  url = env("DATABASE_URL")')
            notes.push(`added datasource \`url = env("DATABASE_URL")\` (${path.basename(p)}) for Prisma 6`)
            sawUrl = true
          }
          inDs = false
        }
      }
      kept.push(line)
    }
    return [p, kept.join('\n')]
  })
  if (dsFile < 0) notes.push('no datasource block found')
  return { files: out, notes }
}

// Same as the CLI's listMigrations(): every sub-DIRECTORY of the migrations folder
// (plain files such as 01_x.sql are ignored), sorted with String#localeCompare,
// each contributing its migration.sql (a read error is passed on to the engine,
// which reports it). migration_lock.toml is passed as the lockfile.
export async function listMigrations(dir, shadowDbInitScript) {
  const baseDir = path.resolve(dir)
  const lockContent = await fsp.readFile(path.join(baseDir, 'migration_lock.toml'), 'utf8').catch(() => null)
  const entries = await fsp.readdir(baseDir, { withFileTypes: true })
  const dirs = []
  for (const e of entries.filter((e) => e.isDirectory())) {
    const content = await fsp
      .readFile(path.join(baseDir, e.name, 'migration.sql'), 'utf8')
      .then((v) => ({ tag: 'ok', value: v }))
      .catch((err) => ({ tag: 'error', value: err.message }))
    dirs.push({ path: e.name, migrationFile: { path: 'migration.sql', content } })
  }
  dirs.sort((a, b) => a.path.localeCompare(b.path))
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    migrationDirectories: dirs,
    shadowDbInitScript: shadowDbInitScript ?? '',
  }
}

