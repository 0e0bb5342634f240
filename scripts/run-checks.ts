// Runs npm scripts (the checks before the tap suite in `npm test`) on every core at once, each one's
// output printed whole when it ends; fails naming the scripts that failed. One after another they
// took about 45 s on two cores, most of it typecheck (tsc, twice) and lint (eslint parses every file).
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'

const queue = process.argv.slice(2)
const failed: string[] = []

function run (script: string): Promise<void> {
  return new Promise(resolve => {
    const started = performance.now()
    const child = spawn('npm', ['run', '-s', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    const output: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk))
    child.on('close', code => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      process.stdout.write(`\n> ${script}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s\n${Buffer.concat(output).toString()}`)
      if (code !== 0) failed.push(script)
      resolve()
    })
  })
}

async function lane (): Promise<void> {
  for (let script = queue.shift(); script !== undefined; script = queue.shift()) await run(script)
}

await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, lane))
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`)
  process.exit(1)
}
