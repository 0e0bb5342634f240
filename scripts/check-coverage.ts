// Prints the test suite's coverage of the BFF (src, plugins, routes; see test/coverage-map.ts) and fails
// when it falls under the floor in coverage-floor.json. The floor only rises: when coverage has grown,
// this says by how much the floor may be raised, and the change that raises it is committed.
import { readFile } from 'node:fs/promises'
import path from 'node:path'

const root = path.join(import.meta.dirname, '..')
type Totals = Record<'lines' | 'statements' | 'functions' | 'branches', { pct: number }>

const summary = JSON.parse(await readFile(path.join(root, '.tap', 'report', 'coverage-summary.json'), 'utf8').catch(() => {
  console.error('no coverage report in .tap/report: run the tests (npm run test:tap) first')
  process.exit(1)
})) as { total: Totals }
const floor = JSON.parse(await readFile(path.join(root, 'coverage-floor.json'), 'utf8')) as Record<keyof Totals, number>

let failed = false
const line = (Object.keys(floor) as Array<keyof Totals>).map(kind => {
  const measured = summary.total[kind].pct
  if (measured < floor[kind]) failed = true
  return `${kind} ${measured.toFixed(1)}% (floor ${floor[kind]}%)`
}).join(', ')
console.log(`coverage of src, plugins and routes: ${line}`)
if (failed) {
  console.error('coverage fell under its floor (coverage-floor.json): add the tests the change is missing')
  process.exit(1)
}
const room = (Object.keys(floor) as Array<keyof Totals>).filter(kind => Math.floor(summary.total[kind].pct) > floor[kind])
if (room.length > 0) console.log(`the floor may rise: ${room.map(kind => `${kind} to ${Math.floor(summary.total[kind].pct)}`).join(', ')} in coverage-floor.json`)
