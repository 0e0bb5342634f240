// Runs the tap suite. tap ships built with its own TypeScript loader (ts-node); this project lets
// Node 24 run TypeScript itself (.taprc removes that plugin), and tap only applies a changed plugin
// list to the run after the one that notices it. So rebuild tap first when it still has the loader.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const built = readFileSync('node_modules/@tapjs/test/test-built/dist/esm/index.js', 'utf8')
const signature = /export const signature = `([^`]*)`/.exec(built)?.[1] ?? ''
if (signature.split('\n').includes('@tapjs/typescript')) {
  const build = spawnSync('npx', ['tap', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
const run = spawnSync('npx', ['tap', ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(run.status ?? 1)
