// `npm run bench`: the BFF (C) against the upstream direct (A) and the thinnest Fastify proxy (B),
// plus streaming, sign-in, cold start and idle memory. Writes bench/results/latest.md and prints it.
// `npm run bench:short` (`--short`): every scenario for a couple of seconds, fewer connections,
// nothing written; exits 1 on any error or non-2xx. See bench/README.md.
import { cpus, totalmem } from 'node:os'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { request as undiciRequest } from 'undici'
import { autocannonRate, closedLoop, combine, paced, requestsPerSecond, summarize } from './lib/load.ts'
import type { LoadResult, Target } from './lib/load.ts'
import { BFF_ROOT, ROOT, freePort, installCleanup, memoryOf, resetPeak, spawnNode, stop, stopAll, waitForOk } from './lib/processes.ts'
import { signInThroughBff } from '../clients/sandbox-sign-in/index.ts'
import { BFF_LOG_LEVEL, bffEnvironment, createActivity, signIn, startBff, startPeer, startUpstream, stopProxy } from './lib/stack.ts'
import type { Proxy, Upstream } from './lib/stack.ts'

const short = process.argv.includes('--short')
const settings = short
  ? { connections: 4, warmupSeconds: 1, seconds: 2, rounds: 1, rateSeconds: 2, signInSeconds: 2, signInConcurrency: 4, coldStarts: 1, bigDays: 1 }
  : { connections: 16, warmupSeconds: 3, seconds: 5, rounds: 3, rateSeconds: 5, signInSeconds: 6, signInConcurrency: 8, coldStarts: 10, bigDays: 34 }
const MB = 1024 * 1024
const JSON_PATH = '/api/v1/activities/?limit=50'
const benchStarted = performance.now()
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const loadAtStart = loadAverage()

const log = (message: string) => console.error(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s] ${message}`)

interface TargetRun { name: 'A' | 'B' | 'C', result: LoadResult, peakRss?: number, baseRss?: number, rounds: number[] }
interface RouteRun { route: string, path: string, targets: TargetRun[] }

/** Warm up each target, then `rounds` rounds of A, B, C in rotating order, all alike. */
async function throughput (route: string, routePath: string, targets: Array<Target & { proxy?: Proxy }>): Promise<RouteRun> {
  log(`${route}: warming up ${targets.map(t => t.name).join(', ')} (${settings.warmupSeconds} s each)`)
  for (const target of targets) await closedLoop(target, routePath, settings.connections, settings.warmupSeconds)
  const results = new Map<string, LoadResult[]>(targets.map(t => [t.name, []]))
  const base = new Map<string, number>()
  for (const target of targets) {
    if (target.proxy === undefined) continue
    base.set(target.name, memoryOf(target.proxy.child.pid).rss)
    if (!resetPeak(target.proxy.child.pid)) log(`could not reset the peak RSS of ${target.name}: it counts from the process start`)
  }
  for (let round = 0; round < settings.rounds; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!)
    for (const target of order) {
      const result = await closedLoop(target, routePath, settings.connections, settings.seconds)
      results.get(target.name)!.push(result)
      log(`${route} round ${round + 1}/${settings.rounds} ${target.name}: ${requestsPerSecond(result).toFixed(0)} req/s${result.errors ? `, ERRORS ${result.errorDetail}` : ''}`)
    }
  }
  return {
    route,
    path: routePath,
    targets: targets.map(target => ({
      name: target.name as TargetRun['name'],
      result: combine(results.get(target.name)!),
      rounds: results.get(target.name)!.map(requestsPerSecond),
      ...(target.proxy === undefined ? {} : { peakRss: memoryOf(target.proxy.child.pid).peak, baseRss: base.get(target.name)! }),
    })),
  }
}

interface RateRun { method: string, rate: number, targets: Array<{ name: string, result: LoadResult }> }

async function fixedRate (method: 'paced' | 'autocannon', rate: number, targets: Target[]): Promise<RateRun> {
  const runs: RateRun['targets'] = []
  for (const target of targets) {
    const result = method === 'paced'
      ? await paced(target, JSON_PATH, rate, settings.rateSeconds)
      : await autocannonRate(target, JSON_PATH, settings.connections, settings.rateSeconds, rate)
    log(`fixed rate (${method}) ${rate} req/s ${target.name}: p99 ${summarize(result.latencies).p99.toFixed(2)} ms${result.errors ? `, ERRORS ${result.errorDetail}` : ''}`)
    runs.push({ name: target.name, result })
  }
  return { method, rate, targets: runs }
}

interface StreamRun { bytes: number, seconds: number, idleRss: number, peakRss: number, status: number, samples: number }

/** Downloads the big activity's Parquet through C, sampling C's RSS every 20 ms. */
async function streamThrough (bff: Proxy, activityId: string): Promise<StreamRun> {
  const pid = bff.child.pid
  await new Promise(resolve => setTimeout(resolve, 500))
  const idleRss = memoryOf(pid).rss
  const peakReset = resetPeak(pid)
  let peakRss = idleRss
  let samples = 0
  const sampler = setInterval(() => {
    samples++
    peakRss = Math.max(peakRss, memoryOf(pid).rss)
  }, 20)
  const started = performance.now()
  let bytes = 0
  let status = 0
  try {
    const response = await undiciRequest(`${bff.url}/api/v1/activities/${activityId}/data`, { headers: bff.headers, headersTimeout: 60_000, bodyTimeout: 60_000 })
    status = response.statusCode
    for await (const chunk of response.body) bytes += (chunk as Buffer).length
  } finally {
    clearInterval(sampler)
  }
  // VmHWM also catches a peak between two samples.
  if (peakReset) peakRss = Math.max(peakRss, memoryOf(pid).peak)
  return { bytes, seconds: (performance.now() - started) / 1000, idleRss, peakRss, status, samples }
}

interface SignInRun { flows: number, errors: number, seconds: number, latencies: number[], errorDetail: string }

/** Whole sign-ins (login → authorize → callback) through C, `concurrency` at a time, for a while. */
async function signIns (bff: Proxy, upstream: Upstream): Promise<SignInRun> {
  const deadline = performance.now() + settings.signInSeconds * 1000
  const latencies: number[] = []
  const failures = new Map<string, number>()
  let errors = 0
  const started = performance.now()
  const worker = async () => {
    for (let i = 0; i < 100_000 && performance.now() < deadline; i++) {
      const t = performance.now()
      try {
        await signInThroughBff(bff.url, upstream.url, upstream.athleteId)
        latencies.push(performance.now() - t)
      } catch (error) {
        errors++
        const message = (error as Error).message
        failures.set(message, (failures.get(message) ?? 0) + 1)
      }
    }
  }
  await Promise.all(Array.from({ length: settings.signInConcurrency }, worker))
  return { flows: latencies.length, errors, seconds: (performance.now() - started) / 1000, latencies, errorDetail: [...failures].map(([m, n]) => `${n}× ${m}`).join('; ') }
}

interface ColdRun { startsMs: number[], idleRss: number, idleAfter: string }

/** Spawns the BFF `coldStarts` times: spawn → /ready 200; then the idle RSS of the last after some use. */
async function coldStarts (upstream: Upstream, activityId: string): Promise<ColdRun> {
  const startsMs: number[] = []
  // Bounded by count and time: no new start after 120 s here or 270 s into the bench (the bench's
  // 5-minute budget), but at least 3 (1 in short mode).
  const deadline = Math.min(performance.now() + 120_000, benchStarted + 270_000)
  const minimum = Math.min(3, settings.coldStarts)
  let idleRss = NaN
  for (let i = 0; i < settings.coldStarts && (i < minimum || performance.now() < deadline); i++) {
    const port = await freePort()
    const spawned = performance.now()
    const child = spawnNode('BFF cold start', 'src/main.ts', bffEnvironment(upstream, port), [], BFF_ROOT)
    const url = `http://127.0.0.1:${port}`
    try {
      const ready = await waitForOk(`${url}/ready`, 30_000, child, 2)
      startsMs.push(ready - spawned)
      log(`cold start ${i + 1}/${settings.coldStarts}: ${(ready - spawned).toFixed(0)} ms`)
      if (i === settings.coldStarts - 1 || (i + 1 >= minimum && performance.now() >= deadline)) {
        const jar = await signInThroughBff(url, upstream.url, upstream.athleteId)
        const headers = { cookie: jar.header(new URL(`${url}/api/v1/`)), 'x-csrf': '1' }
        for (let n = 0; n < 20; n++) {
          const response = await undiciRequest(`${url}${JSON_PATH}`, { headers })
          await response.body.dump({ limit: Infinity })
          if (response.statusCode !== 200) throw new Error(`idle RSS: ${JSON_PATH} answered ${response.statusCode}`)
        }
        const data = await undiciRequest(`${url}/api/v1/activities/${activityId}/data`, { headers })
        await data.body.dump({ limit: Infinity })
        await new Promise(resolve => setTimeout(resolve, 1000))
        idleRss = memoryOf(child.pid).rss
      }
    } finally {
      await stop(child)
    }
  }
  return { startsMs, idleRss, idleAfter: 'a sign-in, 20 JSON list calls and 1 Parquet download, then 1 s idle' }
}

// --- report -----------------------------------------------------------------------------------------

const ms = (value: number) => Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '–'
const mb = (bytes: number | undefined) => bytes === undefined || !Number.isFinite(bytes) ? '–' : (bytes / MB).toFixed(1)
const pass = (ok: boolean) => ok ? 'pass' : '**MISS**'
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function machine (): string[] {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown CPU'
  let kernel = ''
  try { kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim() } catch {}
  return [
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Machine: ${model}, ${cpus().length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory, Linux ${kernel}`,
    `- Node ${process.version} (the project's node_modules/.bin/node) for the bench, the sandbox, B and C`,
  ]
}

interface Report {
  routes: RouteRun[]
  rates: RateRun[]
  stream: StreamRun
  bigDays: number
  signIn: SignInRun
  cold: ColdRun
  upstream: { parquetBytes: number, jsonBytes: number }
  seconds: number
}

function render (report: Report): string {
  const lines: string[] = ['# sweatstack-bff benchmark', '', ...machine(),
    `- Load: autocannon 8 in the bench process; ${settings.connections} connections; per route a ${settings.warmupSeconds} s warm-up of each target, then ${settings.rounds} rounds × ${settings.seconds} s of A, B, C in rotating order (A B C, B C A, C A B); the numbers are over all rounds`,
    '- Servers, each its own process on 127.0.0.1: the sandbox SweatStack (upstream, LOG_LEVEL=warn, SANDBOX_TOKEN_TTL=86400), B `bench/proxy-b.ts` (@fastify/reply-from, fixed bearer token, logger off), C `node src/main.ts` (real-credentials mode against the sandbox, NODE_ENV=production)',
    `- C's LOG_LEVEL=${BFF_LOG_LEVEL}: Fastify logs every request at info ("incoming request", "request completed"); at info, C would spend its time writing two JSON lines per request while B logs nothing, and the bench would measure pino, not the BFF. warn keeps C's warnings and errors, as a production deployment that ships access logs from its load balancer would.`,
    '- C\'s LOAD_SHEDDING_EVENT_LOOP_DELAY_MS=0 (load shedding off): under closed-loop load @fastify/under-pressure answers 503 whenever a 100 ms window holds no event-loop-delay sample (it reads the NaN mean as Infinity); see bench/README.md',
    ...(BFF_ROOT === ROOT ? [] : [`- C runs from ${BFF_ROOT} (BENCH_BFF_ROOT), not this checkout`]),
    `- Bench duration: ${report.seconds.toFixed(0)} s; load average (1, 5, 15 min) at start ${loadAtStart}, at end ${loadAverage()} (other work on the machine competes for the same cores: compare ratios within this run only)`,
    '',
    '## A, B, C: closed-loop throughput',
    '',
    `A: the sandbox directly, bearer token. B: @fastify/reply-from adding the token. C: this BFF with its session cookie and \`X-CSRF: 1\`. JSON: \`GET ${JSON_PATH}\` (${(report.upstream.jsonBytes / 1024).toFixed(0)} KB). Parquet: \`GET /api/v1/activities/{id}/data\` of one 1.5 h, 1 Hz, 8-metric activity (${(report.upstream.parquetBytes / 1024).toFixed(0)} KB; the sandbox writes it afresh for every request). Latencies in ms, per response, sub-millisecond. Peak RSS: VmHWM of the proxy process, reset (\`/proc/<pid>/clear_refs\` = 5) after the warm-up, read after the last round; "from" is its RSS at the reset.`,
    '',
    '| route | target | req/s | per round | p50 | p99 | max | errors | peak RSS MB (from) |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|',
  ]
  for (const route of report.routes) {
    for (const target of route.targets) {
      const latency = summarize(target.result.latencies)
      lines.push(`| ${route.route} | ${target.name} | ${requestsPerSecond(target.result).toFixed(0)} | ${target.rounds.map(r => r.toFixed(0)).join(', ')} | ${ms(latency.p50)} | ${ms(latency.p99)} | ${ms(latency.max)} | ${target.result.errors}${target.result.errors ? ` (${target.result.errorDetail})` : ''} | ${target.peakRss === undefined ? '– (no proxy)' : `${mb(target.peakRss)} (${mb(target.baseRss)})`} |`)
    }
  }
  lines.push('', '### Ratios (same run)', '', '| route | C/B | C/B per round | C/A | B/A | target | |', '|---|---:|---|---:|---:|---|---|')
  for (const route of report.routes) {
    const by = Object.fromEntries(route.targets.map(t => [t.name, t]))
    const rps = (name: string) => requestsPerSecond(by[name]!.result)
    const cb = rps('C') / rps('B')
    const goal = route.route === 'JSON' ? 0.8 : 0.9
    const perRound = by.C!.rounds.map((c, i) => (c / by.B!.rounds[i]!).toFixed(2)).join(', ')
    lines.push(`| ${route.route} | ${cb.toFixed(2)} | ${perRound} | ${(rps('C') / rps('A')).toFixed(2)} | ${(rps('B') / rps('A')).toFixed(2)} | C/B ≥ ${goal} | ${pass(cb >= goal)} |`)
  }

  lines.push('', '## Added latency at half of B\'s throughput (JSON route)', '')
  const pacedRun = report.rates[0]
  lines.push(`Rate: ${pacedRun?.rate ?? '–'} req/s, half of B's closed-loop JSON throughput above, ${settings.rateSeconds} s per target. **paced**: an open-loop sender issuing the requests due every millisecond over a keep-alive pool (steady arrivals; the target line). **autocannon overallRate**: autocannon's fixed rate, ${settings.connections} connections; each connection sends its per-second quota back to back and then waits for the next second, so the load comes in bursts at full concurrency and the p99 is that of a burst (shown as the brief asked, not the target line).`, '')
  lines.push('| method | target | achieved req/s | p50 | p99 | max | errors | p99 − p99(A) | target | |', '|---|---|---:|---:|---:|---:|---:|---:|---|---|')
  for (const run of report.rates) {
    const a = summarize(run.targets.find(t => t.name === 'A')!.result.latencies)
    for (const { name, result } of run.targets) {
      const latency = summarize(result.latencies)
      const added = latency.p99 - a.p99
      const judged = run.method === 'paced' && name === 'C'
      lines.push(`| ${run.method === 'paced' ? 'paced' : 'autocannon overallRate'} | ${name} | ${requestsPerSecond(result).toFixed(0)} | ${ms(latency.p50)} | ${ms(latency.p99)} | ${ms(latency.max)} | ${result.errors} | ${name === 'A' ? '–' : ms(added)} | ${judged ? '< 1 ms' : ''} | ${judged ? pass(added < 1) : ''} |`)
    }
  }

  const { stream, signIn, cold } = report
  const growth = stream.peakRss - stream.idleRss
  const sortedStarts = [...cold.startsMs].sort((a, b) => a - b)
  const signInLatency = summarize(signIn.latencies)
  lines.push('', '## Streaming, sign-in, cold start, idle memory', '',
    '| measure | result | target | |', '|---|---|---|---|',
    `| ${(stream.bytes / MB).toFixed(0)} MB of Parquet through C (a ${report.bigDays}-day, 1 Hz, 8-metric activity) | ${stream.status}, ${(stream.bytes / MB / stream.seconds).toFixed(1)} MB/s (${stream.seconds.toFixed(1)} s, the sandbox writing it is the bottleneck); C's RSS ${mb(stream.idleRss)} MB before, ${mb(stream.peakRss)} MB at most (${stream.samples} samples, every 20 ms): **+${mb(growth)} MB** | growth < 30 MB | ${pass(growth < 30 * MB && stream.status === 200)} |`,
    `| Sign-in flows (login → sandbox authorize → callback), ${settings.signInConcurrency} at a time for ${settings.signInSeconds} s | **${(signIn.flows / signIn.seconds).toFixed(0)} flows/s**, p50 ${ms(signInLatency.p50)} ms, p99 ${ms(signInLatency.p99)} ms per flow, ${signIn.errors} errors${signIn.errors ? ` (${signIn.errorDetail})` : ''} | – | |`,
    `| Cold start: spawn \`node src/main.ts\` → \`/ready\` 200 (polled every 2 ms), ${cold.startsMs.length} starts | **median ${ms(median(cold.startsMs))} ms**, min ${ms(sortedStarts[0] ?? NaN)} ms, max ${ms(sortedStarts.at(-1) ?? NaN)} ms | < 1000 ms | ${pass(median(cold.startsMs) < 1000)} |`,
    `| Idle RSS of a fresh C after ${cold.idleAfter} | **${mb(cold.idleRss)} MB** | < 100 MB | ${pass(cold.idleRss < 100 * MB)} |`
  )
  return lines.join('\n') + '\n'
}

// --- main -------------------------------------------------------------------------------------------

function countErrors (report: Omit<Report, 'seconds'>): string[] {
  const problems: string[] = []
  for (const route of report.routes) {
    for (const target of route.targets) if (target.result.errors) problems.push(`${route.route} ${target.name}: ${target.result.errorDetail}`)
  }
  for (const run of report.rates) {
    for (const target of run.targets) if (target.result.errors) problems.push(`fixed rate (${run.method}) ${target.name}: ${target.result.errorDetail}`)
  }
  if (report.stream.status !== 200) problems.push(`stream: status ${report.stream.status}`)
  if (report.signIn.errors) problems.push(`sign-in: ${report.signIn.errorDetail}`)
  if (report.signIn.flows === 0) problems.push('sign-in: no flow completed')
  if (report.cold.startsMs.length === 0) problems.push('cold start: none completed')
  return problems
}

async function main (): Promise<void> {
  installCleanup()
  log(`${short ? 'short' : 'full'} run`)
  const upstream = await startUpstream()
  // The activities are made before anything is measured, so the list is the same for every request.
  const bigId = await createActivity(upstream, settings.bigDays * 24 * 3600, new Date(Date.now() - 400 * 24 * 3600 * 1000).toISOString())
  const typicalId = await createActivity(upstream, 5400)
  const parquetPath = `/api/v1/activities/${typicalId}/data`
  log(`sandbox at ${upstream.url}; activities: typical ${typicalId}, big ${bigId} (${settings.bigDays} days)`)
  let peer: Proxy | undefined
  let bff: Proxy | undefined
  try {
    peer = await startPeer(upstream)
    bff = await startBff(upstream)
    await signIn(bff, upstream)
    log(`B at ${peer.url}, C at ${bff.url}; signed in through C`)

    const a: Target = { name: 'A', url: upstream.url, headers: { authorization: `Bearer ${upstream.token}` } }
    const b = { name: 'B', url: peer.url, headers: peer.headers, proxy: peer }
    const c = { name: 'C', url: bff.url, headers: bff.headers, proxy: bff }
    const sizes = await Promise.all([JSON_PATH, parquetPath].map(async p => {
      const response = await undiciRequest(upstream.url + p, { headers: a.headers })
      return (await response.body.arrayBuffer()).byteLength
    }))

    const routes = [await throughput('JSON', JSON_PATH, [a, b, c]), await throughput('Parquet', parquetPath, [a, b, c])]
    const bJson = requestsPerSecond(routes[0]!.targets.find(t => t.name === 'B')!.result)
    const rate = Math.max(10, Math.round(bJson / 2))
    log(`fixed rate: ${rate} req/s (half of B's ${bJson.toFixed(0)})`)
    const rates = [await fixedRate('paced', rate, [a, b, c])]
    if (!short) rates.push(await fixedRate('autocannon', rate, [a, b, c]))

    await stopProxy(peer)
    peer = undefined
    log(`streaming ${settings.bigDays} days of Parquet through C`)
    const stream = await streamThrough(bff, bigId)
    log(`streamed ${(stream.bytes / MB).toFixed(0)} MB, RSS +${((stream.peakRss - stream.idleRss) / MB).toFixed(1)} MB`)
    log(`sign-in flows for ${settings.signInSeconds} s`)
    const signInRun = await signIns(bff, upstream)
    log(`${signInRun.flows} sign-ins, ${signInRun.errors} errors`)
    await stopProxy(bff)
    bff = undefined
    const cold = await coldStarts(upstream, typicalId)

    const seconds = (performance.now() - benchStarted) / 1000
    const report: Report = { routes, rates, stream, bigDays: settings.bigDays, signIn: signInRun, cold, upstream: { jsonBytes: sizes[0]!, parquetBytes: sizes[1]! }, seconds }
    const problems = countErrors(report)
    const markdown = render(report)
    if (short) {
      console.log(markdown)
      if (problems.length > 0) {
        console.error(`bench:short FAILED (${seconds.toFixed(0)} s):\n  ${problems.join('\n  ')}`)
        process.exitCode = 1
      } else {
        console.error(`bench:short OK: every scenario ran without errors (${seconds.toFixed(0)} s)`)
      }
    } else {
      const file = path.join(ROOT, 'bench', 'results', 'latest.md')
      writeFileSync(file, markdown)
      console.log(markdown)
      console.error(`written to ${path.relative(ROOT, file)} (${seconds.toFixed(0)} s)${problems.length ? `; errors: ${problems.join('; ')}` : ''}`)
      if (problems.length > 0) process.exitCode = 1
    }
  } finally {
    await stopProxy(peer)
    await stopProxy(bff)
    await stop(upstream.child)
    await stopAll()
  }
}

main().catch(async (error: unknown) => {
  console.error('bench FAILED:', error instanceof Error ? error.stack : error)
  await stopAll()
  process.exit(1)
})
