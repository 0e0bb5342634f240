// Writes the README's table of error codes (between the `errors` markers) from the catalog in
// src/errors.ts. With --check, fails when the README's table is out of date. Run: npm run errors
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { PROBLEMS, PROBLEM_CODES } from '../src/errors.ts'
import { writeOrCheck } from './write-or-check.ts'

const readme = path.join(import.meta.dirname, '..', 'README.md')
const START = '<!-- errors:start (generated from src/errors.ts by `npm run errors`) -->'
const END = '<!-- errors:end -->'

const rows = [...PROBLEM_CODES]
  .sort((a, b) => PROBLEMS[a].status - PROBLEMS[b].status || a.localeCompare(b))
  .map(code => `| ${PROBLEMS[code].status} | \`${code}\` | ${PROBLEMS[code].title} | ${PROBLEMS[code].description} |`)
const table = [START, '| status | `code` | title | meaning |', '|---|---|---|---|', ...rows, END].join('\n')

const text = await readFile(readme, 'utf8')
const start = text.indexOf(START)
const end = text.indexOf(END)
if (start < 0 || end < start) {
  console.error(`README.md has no error table between "${START}" and "${END}"`)
  process.exit(1)
}
await writeOrCheck(readme, text.slice(0, start) + table + text.slice(end + END.length), 'src/errors.ts', 'errors')
