// CPU profile of the BFF (C) under the bench's load: starts the sandbox and C with --cpu-prof, signs
// in, drives one route with autocannon, stops C (the profile is written on exit) and summarises it.
//
//   node bench/profile-bff.ts [json|parquet|start] [seconds] [--dir /tmp/bff-prof]
//
// `start` profiles the start only (spawn to /ready); otherwise the summary leaves the start out. Profiles go to /tmp, never into the repository.
// BENCH_BFF_ROOT=<another checkout> profiles that checkout's C instead.
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { closedLoop, requestsPerSecond, summarize } from './lib/load.ts'
import { NODE, ROOT, installCleanup, stop, stopAll } from './lib/processes.ts'
import { createActivity, signIn, startBff, startUpstream } from './lib/stack.ts'

const args = process.argv.slice(2)
const dirIndex = args.indexOf('--dir')
const dir = dirIndex >= 0 ? path.resolve(args[dirIndex + 1]!) : '/tmp/bff-prof'
const [scenario = 'json', secondsText = '10'] = args.filter((arg, index) => !arg.startsWith('--') && (dirIndex < 0 || index !== dirIndex + 1))
const seconds = Number(secondsText)
if (!['json', 'parquet', 'start'].includes(scenario) || !(seconds > 0)) {
  console.error('usage: node bench/profile-bff.ts [json|parquet|start] [seconds] [--dir /tmp/bff-prof]')
  process.exit(2)
}
if (dir.startsWith(ROOT + path.sep)) {
  console.error('bench/profile-bff.ts: write profiles outside the repository (e.g. under /tmp)')
  process.exit(2)
}

let skipMs = 0
installCleanup()
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
try {
  const upstream = await startUpstream()
  const activityId = await createActivity(upstream, 5400)
  const spawned = performance.now()
  const bff = await startBff(upstream, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
  console.error(`C ready after ${bff.startMs.toFixed(0)} ms`)
  if (scenario !== 'start') {
    await signIn(bff, upstream)
    const routePath = scenario === 'json' ? '/api/v1/activities/?limit=50' : `/api/v1/activities/${activityId}/data`
    skipMs = Math.round(performance.now() - spawned)
    const result = await closedLoop({ name: 'C', url: bff.url, headers: bff.headers }, routePath, 16, seconds)
    const latency = summarize(result.latencies)
    console.error(`${scenario}: ${requestsPerSecond(result).toFixed(0)} req/s, p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, ${result.errors} errors${result.errors ? ` (${result.errorDetail})` : ''}`)
  }
  await stop(bff.child, 15_000)
  await stop(upstream.child)
} finally {
  await stopAll()
}
const files = readdirSync(dir).filter(file => file.endsWith('.cpuprofile')).map(file => path.join(dir, file))
console.error(`profile: ${files.join(', ')}`)
execFileSync(NODE, [path.join(import.meta.dirname, 'profile-summary.ts'), ...files, '--top', '30', '--skip-ms', String(skipMs)], { stdio: 'inherit' })
