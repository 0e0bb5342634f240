// CPU profile (and heap snapshots) of the BFF (C) under the bench's load: starts the sandbox, the fast
// upstream (unless --sandbox) and C with --cpu-prof, signs in, drives one route with autocannon, stops
// C (the profile is written on exit) and summarises it.
//
//   node bench/profile-bff.ts [json|parquet|start] [seconds] [--dir /tmp/bff-prof] [--sandbox] [--heap]
//
// C runs the build (`npm run build` first). `start` profiles the start only (spawn to /ready);
// otherwise the summary leaves the start out. --heap writes heap snapshots of C (SIGWINCH: close-with-grace stops on SIGUSR2; Node's
// --heapsnapshot-signal) after sign-in and after the load. Profiles go to /tmp, never into the repository.
// BENCH_BFF_ROOT=<another checkout> profiles that checkout's C instead.
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { closedLoop, requestsPerSecond, summarize } from './lib/load.ts'
import { NODE, ROOT, installCleanup, memoryOf, stop, stopAll } from './lib/processes.ts'
import { checkBuild, createActivity, signIn, startBff, startFastUpstream, startUpstream } from './lib/stack.ts'
import type { Proxy } from './lib/stack.ts'

const args = process.argv.slice(2)
const dirIndex = args.indexOf('--dir')
const dir = dirIndex >= 0 ? path.resolve(args[dirIndex + 1]!) : '/tmp/bff-prof'
const [scenario = 'json', secondsText = '10'] = args.filter((arg, index) => !arg.startsWith('--') && (dirIndex < 0 || index !== dirIndex + 1))
const seconds = Number(secondsText)
const viaSandbox = args.includes('--sandbox')
const heap = args.includes('--heap')
if (!['json', 'parquet', 'start'].includes(scenario) || !(seconds > 0)) {
  console.error('usage: node bench/profile-bff.ts [json|parquet|start] [seconds] [--dir /tmp/bff-prof] [--sandbox] [--heap]')
  process.exit(2)
}
if (dir.startsWith(ROOT + path.sep)) {
  console.error('bench/profile-bff.ts: write profiles outside the repository (e.g. under /tmp)')
  process.exit(2)
}

const MB = 1024 * 1024
const settle = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
async function heapSnapshot (bff: Proxy, label: string): Promise<void> {
  if (!heap) return
  await settle(1000)
  const before = readdirSync(dir).length
  bff.child.process.kill('SIGWINCH')
  for (let i = 0; i < 300 && readdirSync(dir).length === before; i++) await settle(100)
  await settle(2000) // the file appears when writing starts
  console.error(`heap snapshot (${label}); C's RSS ${(memoryOf(bff.child.pid).rss / MB).toFixed(1)} MB`)
}

checkBuild()
let skipMs = 0
installCleanup()
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
try {
  const sandbox = await startUpstream()
  const activityId = await createActivity(sandbox, 5400)
  const routePath = scenario === 'parquet' ? `/api/v1/activities/${activityId}/data` : '/api/v1/activities/?limit=50'
  const upstream = viaSandbox ? sandbox : (await startFastUpstream(sandbox, '/api/v1/activities/?limit=50', `/api/v1/activities/${activityId}/data`)).upstream
  const spawned = performance.now()
  const bff = await startBff(upstream, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...(heap ? ['--heapsnapshot-signal=SIGWINCH', `--diagnostic-dir=${dir}`] : [])])
  console.error(`C ready after ${bff.startMs.toFixed(0)} ms (${viaSandbox ? 'sandbox' : 'fast upstream'})`)
  if (scenario !== 'start') {
    await signIn(bff, upstream)
    await heapSnapshot(bff, 'idle after sign-in')
    skipMs = Math.round(performance.now() - spawned)
    const result = await closedLoop({ name: 'C', url: bff.url, headers: bff.headers }, routePath, 16, seconds)
    const latency = summarize(result.latencies)
    console.error(`${scenario}: ${requestsPerSecond(result).toFixed(0)} req/s, p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, ${result.errors} errors${result.errors ? ` (${result.errorDetail})` : ''}; C's RSS ${(memoryOf(bff.child.pid).rss / MB).toFixed(1)} MB, peak ${(memoryOf(bff.child.pid).peak / MB).toFixed(1)} MB`)
    await heapSnapshot(bff, 'after the load')
  }
  await stop(bff.child, 15_000)
} finally {
  await stopAll()
}
const files = readdirSync(dir).filter(file => file.endsWith('.cpuprofile')).map(file => path.join(dir, file))
console.error(`profile: ${files.join(', ')}${heap ? `; heap snapshots: ${readdirSync(dir).filter(file => file.endsWith('.heapsnapshot')).join(', ')}` : ''}`)
execFileSync(NODE, [path.join(import.meta.dirname, 'profile-summary.ts'), ...files, '--top', '30', '--skip-ms', String(skipMs)], { stdio: 'inherit' })
