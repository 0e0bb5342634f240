// Load generation (the servers are separate processes).
//   - closedLoop: wrk (Debian's package, C, one thread), N connections as fast as they go: a load
//     generator that costs a fraction of a Node one, so it takes less of the 2 cores from the servers.
//   - autocannonRate: autocannon's fixed rate (`overallRate`).
//   - paced: an open-loop sender at a steady rate (requests spread over every millisecond).
// Latencies are recorded per response in milliseconds with sub-millisecond precision: autocannon's
// own histogram keeps whole milliseconds, too coarse for "p99 added latency under 1 ms".
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import type { Result } from 'autocannon'
import { Pool } from 'undici'

export interface Target {
  name: string
  url: string
  headers: Record<string, string>
}

export interface LoadResult {
  requests: number
  seconds: number
  /** Response latencies, ms. */
  latencies: number[]
  /** Connection errors + timeouts + non-2xx answers. */
  errors: number
  errorDetail: string
}

export function requestsPerSecond (result: LoadResult): number {
  return result.requests / result.seconds
}

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))]!
}

export interface LatencySummary { p50: number, p99: number, max: number, count: number }

export function summarize (latencies: number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort()
  const list = Array.from(sorted)
  return { p50: percentile(list, 50), p99: percentile(list, 99), max: list.at(-1) ?? NaN, count: list.length }
}

/** Several runs of one target as one: requests over time, every latency, every error. */
export function combine (results: LoadResult[]): LoadResult {
  return {
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    seconds: results.reduce((sum, r) => sum + r.seconds, 0),
    latencies: results.flatMap(r => r.latencies),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    errorDetail: results.map(r => r.errorDetail).filter(Boolean).join('; '),
  }
}

function errorDetailOf (result: Result): string {
  const parts: string[] = []
  if (result.errors > 0) parts.push(`${result.errors} connection errors`)
  if (result.timeouts > 0) parts.push(`${result.timeouts} timeouts`)
  if (result.non2xx > 0) {
    const statuses = Object.entries(result.statusCodeStats).filter(([status]) => !status.startsWith('2')).map(([status, { count }]) => `${count}×${status}`)
    parts.push(`non-2xx: ${statuses.join(', ')}`)
  }
  return parts.join(', ')
}

function runAutocannon (target: Target, path: string, options: { connections: number, seconds: number, overallRate?: number }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = []
    const instance = autocannon({
      url: target.url + path,
      headers: target.headers,
      connections: options.connections,
      duration: options.seconds,
      timeout: 30,
      ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    }, (error, result) => {
      if (error) return reject(error)
      resolve({
        requests: result.requests.total,
        seconds: result.duration,
        latencies,
        errors: result.errors + result.timeouts + result.non2xx,
        errorDetail: errorDetailOf(result),
      })
    })
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
    })
  })
}

export const WRK = process.env.BENCH_WRK ?? '/usr/bin/wrk'

/** `wrk 4.1.0` (it prints its version with exit code 1); throws a clear error when there is no wrk. */
export function wrkVersion (): string {
  const result = spawnSync(WRK, ['-v'], { encoding: 'utf8' })
  const version = /wrk \S*?(\d+\.\d+\.\d+)/.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`)?.[1]
  if (version === undefined) throw new Error(`the bench needs wrk (${WRK}): apt-get install wrk, or set BENCH_WRK`)
  return `wrk ${version}`
}

// wrk keeps a latency histogram in microseconds; its report gives 1000 evenly spaced quantiles (each
// one thousandth of the responses), so rounds can be pooled and any percentile read off afterwards.
const WRK_REPORT = `done = function (summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK-REPORT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"max_us":%d,"quantiles_us":[',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency.max))
  for i = 1, 1000 do io.write(string.format('%s%d', i > 1 and ',' or '', latency:percentile((i - 0.5) / 10))) end
  io.write(']}\\n')
end
`

interface WrkReport { requests: number, duration_us: number, connect: number, read: number, write: number, status: number, timeout: number, max_us: number, quantiles_us: number[] }

/**
 * wrk, `connections` connections on one thread, each sending its next request when the last answer
 * ends. Latencies: wrk's 1000 quantiles, repeated in proportion to the responses they stand for.
 */
export async function closedLoop (target: Target, path_: string, connections: number, seconds: number): Promise<LoadResult> {
  const folder = mkdtempSync(path.join(tmpdir(), 'bench-wrk-'))
  try {
    const script = path.join(folder, 'report.lua')
    writeFileSync(script, WRK_REPORT)
    const headers = Object.entries(target.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(WRK, ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '30s', '-s', script, ...headers, target.url + path_],
        { timeout: (seconds + 60) * 1000, maxBuffer: 16 * 1024 * 1024 },
        (error, out, err) => error ? reject(new Error(`wrk failed: ${error.message} ${err}`)) : resolve(out))
    })
    const line = stdout.split('\n').find(text => text.startsWith('WRK-REPORT '))
    if (line === undefined) throw new Error(`wrk printed no report: ${stdout.slice(0, 500)}`)
    const report = JSON.parse(line.slice('WRK-REPORT '.length)) as WrkReport
    const copies = Math.max(1, Math.round(report.requests / 1000))
    const latencies = report.quantiles_us.flatMap(us => Array<number>(copies).fill(us / 1000))
    latencies.push(report.max_us / 1000)
    const failures: string[] = []
    for (const kind of ['connect', 'read', 'write', 'timeout'] as const) if (report[kind] > 0) failures.push(`${report[kind]} ${kind} errors`)
    if (report.status > 0) failures.push(`${report.status} answers of status 400 or more`)
    return {
      requests: report.requests,
      seconds: report.duration_us / 1e6,
      latencies,
      errors: report.connect + report.read + report.write + report.timeout + report.status,
      errorDetail: failures.join(', '),
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

/**
 * autocannon's fixed rate: each connection gets a quota of `rate / connections` requests a second,
 * sends them back to back and then waits for the next second (all connections refill together).
 */
export function autocannonRate (target: Target, path: string, connections: number, seconds: number, rate: number): Promise<LoadResult> {
  return runAutocannon(target, path, { connections, seconds, overallRate: rate })
}

/**
 * An open-loop sender: `rate` requests a second, issued every millisecond tick in the numbers due
 * so far, over a keep-alive pool, whether or not earlier answers are back. Latency is from the
 * request being issued to the last byte of its answer.
 */
export async function paced (target: Target, path: string, rate: number, seconds: number, warmupSeconds = 1): Promise<LoadResult> {
  const pool = new Pool(target.url, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 })
  try {
    // The same rate on the same pool first, so connections are open and code is warm.
    if (warmupSeconds > 0) await pacedOn(pool, target, path, rate, warmupSeconds)
    return await pacedOn(pool, target, path, rate, seconds)
  } finally {
    await pool.destroy()
  }
}

async function pacedOn (pool: Pool, target: Target, path: string, rate: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = []
  let errors = 0
  const statuses = new Map<string, number>()
  const inFlight = new Set<Promise<void>>()
  const total = Math.round(rate * seconds)
  let sent = 0
  const one = async () => {
    const started = performance.now()
    try {
      const response = await pool.request({ method: 'GET', path, headers: target.headers, headersTimeout: 30_000, bodyTimeout: 30_000 })
      await response.body.dump({ limit: Infinity })
      if (response.statusCode >= 200 && response.statusCode < 300) {
        latencies.push(performance.now() - started)
        return
      }
      statuses.set(String(response.statusCode), (statuses.get(String(response.statusCode)) ?? 0) + 1)
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'error'
      statuses.set(code, (statuses.get(code) ?? 0) + 1)
    }
    errors++
  }
  const start = performance.now()
  await new Promise<void>(resolve => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) * rate / 1000))
      for (; sent < due; sent++) {
        const request = one()
        inFlight.add(request)
        request.finally(() => inFlight.delete(request))
      }
      if (sent >= total || performance.now() - start > seconds * 1000 + 5000) resolve()
      else setTimeout(tick, 1)
    }
    tick()
  })
  await Promise.race([Promise.all(inFlight), new Promise(resolve => setTimeout(resolve, 30_000))])
  const elapsed = (performance.now() - start) / 1000
  errors += total - sent
  return {
    requests: latencies.length,
    seconds: elapsed,
    latencies,
    errors,
    errorDetail: [...statuses].map(([status, count]) => `${count}×${status}`).join(', ') + (total > sent ? ` ${total - sent} not sent` : ''),
  }
}
