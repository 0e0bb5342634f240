// Which files a test file's coverage counts (tap's coverage-map): the BFF that ships (src, plugins,
// routes), never the sandbox, the tests' own helpers or the generated schemas.
import { readdirSync } from 'node:fs'
import path from 'node:path'

const root = path.join(import.meta.dirname, '..')

function sources (dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap(entry => {
    const relative = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(relative)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.generated.ts') && !entry.name.endsWith('.d.ts') ? [relative] : []
  })
}

const shipped = ['src', 'plugins', 'routes'].flatMap(sources)

/**
 * Test files whose coverage is not collected: the sandbox's own tests, and the seed on 86 calendars,
 * which spends its time in the sandbox's data generation (V8's coverage counters doubled it) and reads
 * through the BFF only what the route tests read.
 */
const uncounted = (testFile: string) => testFile.startsWith('sandbox/') || testFile === 'test/routes/seed-dates.test.ts'

export default function coverageMap (testFile: string): string[] | null {
  return uncounted(testFile) ? null : shipped
}
