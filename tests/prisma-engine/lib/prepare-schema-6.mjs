// For cli-diff.sh: if the schema's datasource has no `url` (Prisma 7 style), write a
// copy that has one (Prisma 6 requires it) and print the path to use; else print the input path.
import fs from 'node:fs'
import path from 'node:path'
import { loadSchemaFiles, normaliseDatasource } from './inputs.mjs'

const [src, tmp] = process.argv.slice(2)
const abs = path.resolve(src)
const raw = await loadSchemaFiles(abs)
const { files, notes } = normaliseDatasource(raw, false)
if (!notes.some((n) => n.startsWith('added'))) {
  console.log(abs)
} else {
  const isDir = fs.statSync(abs).isDirectory()
  for (const [p, content] of files) {
    const rel = isDir ? path.relative(abs, p) : path.basename(p)
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true })
    fs.writeFileSync(path.join(tmp, rel), content)
  }
  console.error(notes.join('\n'))
  console.log(isDir ? tmp : path.join(tmp, path.basename(abs)))
}
