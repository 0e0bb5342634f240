// The three servers of the bench, each in its own process on 127.0.0.1: the sandbox SweatStack
// (upstream), B (bench/proxy-b.ts) and C (this BFF, src/main.ts, real-credentials mode).
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { BFF_ROOT, freePort, spawnNode, stop, waitForOk } from './processes.ts'
import type { Child } from './processes.ts'
import { startNginx } from './nginx.ts'
import type { FixedAnswers, Nginx } from './nginx.ts'
import { sandboxAccessToken, sandboxAthlete, sessionCookieHeader, signInThroughBff } from '../../clients/sandbox-sign-in/index.ts'

export const CLIENT = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' }
/** Eight metrics, as in the sandbox's sizing note (about 3 MB of Parquet per day at 1 Hz). */
export const METRICS = ['power', 'heart_rate', 'speed', 'cadence', 'distance', 'altitude', 'latitude', 'longitude']
/** C logs at the default level: one access-log line per request, written to a file (bench/lib/processes.ts). */
export const BFF_LOG_LEVEL = 'info'

export interface Upstream {
  child: Child
  url: string
  athleteId: string
  /** A bearer token for the athlete, valid for the whole run (SANDBOX_TOKEN_TTL=86400). */
  token: string
}

export async function startUpstream (): Promise<Upstream> {
  const port = await freePort()
  const child = spawnNode('sandbox', 'sandbox/server.ts', {
    SANDBOX_PORT: String(port),
    SANDBOX_HOST: '127.0.0.1',
    SANDBOX_TOKEN_TTL: '86400',
    // The same seeded year every run, so the answers measured are the same size every day.
    SANDBOX_SEED_END_DATE: '2026-05-18',
    LOG_LEVEL: 'warn',
  })
  const url = `http://127.0.0.1:${port}`
  await waitForOk(`${url}/__sandbox/users`, 30_000, child, 20)
  const athlete = await sandboxAthlete(url)
  const token = await sandboxAccessToken(url, athlete.id, CLIENT)
  return { child, url, athleteId: athlete.id, token }
}

/** Creates an activity of the athlete at the sandbox; returns its id. */
export async function createActivity (upstream: Upstream, durationSeconds: number, start?: string): Promise<string> {
  const response = await fetch(`${upstream.url}/__sandbox/activities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: upstream.athleteId, sport: 'cycling.road', durationSeconds, metrics: METRICS, ...(start === undefined ? {} : { start }) }),
    signal: AbortSignal.timeout(30_000),
  })
  if (response.status !== 201) throw new Error(`POST /__sandbox/activities answered ${response.status}: ${await response.text()}`)
  return (await response.json() as { id: string }).id
}

export interface Proxy {
  child: Child
  url: string
  /** Headers every API request to this proxy needs. */
  headers: Record<string, string>
  /** Milliseconds from spawn to /ready answering 200. */
  startMs: number
}

/** B: @fastify/reply-from with the fixed token. */
export async function startPeer (upstream: Upstream): Promise<Proxy> {
  const port = await freePort()
  const started = performance.now()
  const child = spawnNode('proxy B', 'bench/proxy-b.ts', { PORT: String(port), UPSTREAM: upstream.url, TOKEN: upstream.token })
  const url = `http://127.0.0.1:${port}`
  const ready = await waitForOk(`${url}/ready`, 30_000, child)
  return { child, url, headers: {}, startMs: ready - started }
}

export const SESSION_SECRET = randomBytes(32).toString('base64url')

/** The BFF's environment: real-credentials mode against the sandbox. */
export function bffEnvironment (upstream: Upstream, port: number): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    FRONTEND_ORIGINS: 'http://localhost:5173',
    SWEATSTACK_CLIENT_ID: CLIENT.clientId,
    SWEATSTACK_CLIENT_SECRET: CLIENT.clientSecret,
    SWEATSTACK_SESSION_SECRET: SESSION_SECRET,
    SWEATSTACK_URL: upstream.url,
    LOG_LEVEL: BFF_LOG_LEVEL,
    // The sign-in scenario makes thousands of /auth requests a minute from one address.
    AUTH_RATE_LIMIT: '1000000',
    // Closed-loop load saturates C on purpose; @fastify/under-pressure then sheds requests (503) whenever
    // a 100 ms sample window holds no event-loop-delay sample (it counts NaN as Infinity), which a
    // saturated process on a busy 2-core machine hits within seconds. Off, so the bench measures serving.
    LOAD_SHEDDING_EVENT_LOOP_DELAY_MS: '0',
  }
}

/** C as production runs it: the compiled JavaScript of `npm run build` (the container's command). */
export const BFF_ENTRY = 'dist/src/main.js'

/** Node's flags for C, read from the Dockerfile's CMD (`node <flags> dist/src/main.js`): the bench measures what ships. */
export const BFF_NODE_ARGS = productionNodeArgs(readFileSync(path.join(BFF_ROOT, 'Dockerfile'), 'utf8'))

export function productionNodeArgs (dockerfile: string): string[] {
  const command = [...dockerfile.matchAll(/^CMD (\[.*\])\s*$/gm)].at(-1)?.[1]
  const args = command === undefined ? [] : JSON.parse(command) as string[]
  if (args[0] !== 'node' || args.at(-1) !== BFF_ENTRY) throw new Error(`the Dockerfile's last CMD is not ["node", ..., "${BFF_ENTRY}"]`)
  return args.slice(1, -1)
}

/** Throws unless `root` has a build at least as new as its sources (`npm run bench` builds first). */
export function checkBuild (root = BFF_ROOT): void {
  const entry = path.join(root, BFF_ENTRY)
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` (npm run bench does)`)
  const built = statSync(entry).mtimeMs
  const newer = ['src', 'plugins', 'routes'].flatMap(folder => readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter(file => file.endsWith('.ts') && statSync(path.join(root, folder, file)).mtimeMs > built).map(file => `${folder}/${file}`))
  if (newer.length > 0) throw new Error(`${entry} is older than ${newer.slice(0, 3).join(', ')}: run \`npm run build\``)
}

/** C: the BFF, not yet signed in (`headers` empty). */
export async function startBff (upstream: Upstream, nodeArgs: string[] = [], root = BFF_ROOT): Promise<Proxy> {
  const port = await freePort()
  const started = performance.now()
  const child = spawnNode('BFF C', BFF_ENTRY, bffEnvironment(upstream, port), [...BFF_NODE_ARGS, ...nodeArgs], root)
  const url = `http://127.0.0.1:${port}`
  const ready = await waitForOk(`${url}/ready`, 30_000, child)
  return { child, url, headers: {}, startMs: ready - started }
}

/** Signs the athlete in through C and sets the headers a browser's fetch would send to /api. */
export async function signIn (bff: Proxy, upstream: Upstream): Promise<void> {
  const jar = await signInThroughBff(bff.url, upstream.url, upstream.athleteId)
  bff.headers = { cookie: sessionCookieHeader(jar, bff.url), 'x-csrf': '1' }
}

export async function stopProxy (proxy: Proxy | undefined): Promise<void> {
  if (proxy !== undefined) await stop(proxy.child)
}

/** What the sandbox answers at `path` for the athlete, as bytes (to be served as fixed answers). */
export async function upstreamBytes (upstream: Upstream, path: string): Promise<Buffer> {
  const response = await fetch(upstream.url + path, { headers: { authorization: `Bearer ${upstream.token}` }, signal: AbortSignal.timeout(30_000) })
  if (response.status !== 200) throw new Error(`GET ${path} at the sandbox answered ${response.status}`)
  return Buffer.from(await response.arrayBuffer())
}

/**
 * Fast-upstream mode: nginx answering the two measured routes with the sandbox's bytes (any other
 * path goes to the sandbox, so sign-in works), and D in front of it. The returned upstream is the
 * sandbox as seen through nginx: B and C are pointed at it like at SweatStack.
 */
export async function startFastUpstream (upstream: Upstream, jsonPath: string, parquetPath: string): Promise<{ nginx: Nginx, upstream: Upstream, answers: FixedAnswers }> {
  const [json, parquet] = await Promise.all([upstreamBytes(upstream, jsonPath), upstreamBytes(upstream, parquetPath)])
  const answers = { json, parquet }
  const nginx = await startNginx({ fallback: upstream.url, token: upstream.token, answers })
  return { nginx, upstream: { ...upstream, url: nginx.staticUrl! }, answers }
}
