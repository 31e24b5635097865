// Split a migration script produced by the schema engine into statements, for the
// `steps` array. Only used on the ENGINE'S OUTPUT (the migrations themselves are
// sent to PostgreSQL whole). Aware of '...' / E'...' strings, "..." identifiers,
// $tag$...$tag$ bodies, -- line comments and /* */ block comments (nested).
// Each statement gets the label of the last "-- Label" comment line before it
// (Prisma writes one per step: "-- CreateTable", "-- AddForeignKey", ...).

export function splitSqlStatements(script) {
  const out = []
  let i = 0
  const n = script.length
  let start = 0
  let label = null
  let pendingLabel = null
  let hasCode = false
  const flush = (end) => {
    const raw = script.slice(start, end)
    if (hasCode) {
      const sql = stripLeadingComments(raw).trim()
      if (sql) out.push({ sql, label: pendingLabel ?? label })
    }
    hasCode = false
    pendingLabel = null
  }
  while (i < n) {
    const c = script[i]
    const d = script[i + 1]
    if (c === '-' && d === '-') {
      const eol = script.indexOf('\n', i)
      const end = eol < 0 ? n : eol
      const text = script.slice(i + 2, end).trim()
      if (!hasCode && /^[A-Z][A-Za-z]+$/.test(text)) {
        label = text
        pendingLabel = text
      }
      i = end
      continue
    }
    if (c === '/' && d === '*') {
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (script[i] === '/' && script[i + 1] === '*') (depth++, (i += 2))
        else if (script[i] === '*' && script[i + 1] === '/') (depth--, (i += 2))
        else i++
      }
      continue
    }
    if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(script[i - 1]) && !/\w/.test(script[i - 2] ?? ' ')
      i++
      while (i < n) {
        if (escapes && script[i] === '\\') i += 2
        else if (script[i] === "'" && script[i + 1] === "'") i += 2
        else if (script[i] === "'") {
          i++
          break
        } else i++
      }
      hasCode = true
      continue
    }
    if (c === '"') {
      i++
      while (i < n) {
        if (script[i] === '"' && script[i + 1] === '"') i += 2
        else if (script[i] === '"') {
          i++
          break
        } else i++
      }
      hasCode = true
      continue
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64))
      if (m && !/[\w$]/.test(script[i - 1] ?? ' ')) {
        const tag = m[0]
        const close = script.indexOf(tag, i + tag.length)
        i = close < 0 ? n : close + tag.length
        hasCode = true
        continue
      }
    }
    if (c === ';') {
      flush(i)
      i++
      start = i
      continue
    }
    if (!/\s/.test(c)) hasCode = true
    i++
  }
  flush(n)
  return out
}

function stripLeadingComments(s) {
  let t = s
  for (;;) {
    const u = t.replace(/^\s+/, '')
    if (u.startsWith('--')) {
      const eol = u.indexOf('\n')
      t = eol < 0 ? '' : u.slice(eol + 1)
    } else if (u.startsWith('/*')) {
      const end = u.indexOf('*/')
      t = end < 0 ? '' : u.slice(end + 2)
    } else return u
  }
}

// Prisma puts data-loss warnings in a leading /* Warnings: - ... */ block.
export function extractWarnings(script) {
  const m = /^\s*\/\*([\s\S]*?)\*\//.exec(script)
  if (!m || !/Warnings?:/.test(m[1])) return []
  return m[1]
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2))
}
