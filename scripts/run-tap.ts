// Runs the tap suite. tap ships built with every plugin, its TypeScript and module-mocking loaders
// among them; .taprc removes those two (Node 24 runs TypeScript itself; no test mocks a module), and
// tap only applies a changed plugin list to the run after the one that notices it. So rebuild tap
// first while it still has a plugin .taprc removes.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const built = readFileSync('node_modules/@tapjs/test/test-built/dist/esm/index.js', 'utf8')
const signature = (/export const signature = `([^`]*)`/.exec(built)?.[1] ?? '').split('\n')
const removed = [...readFileSync('.taprc', 'utf8').matchAll(/^\s*-\s*"!([^"]+)"/gm)].map(match => match[1]!)
if (removed.some(plugin => signature.includes(plugin))) {
  const build = spawnSync('npx', ['tap', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
const run = spawnSync('npx', ['tap', ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(run.status ?? 1)
