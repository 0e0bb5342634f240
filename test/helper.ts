// Test support: the sandbox on 127.0.0.1:0, the BFF built against it, a cookie-keeping browser, and sign-in.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { freePort } from '../bench/lib/processes.ts'
import { Writable } from 'node:stream'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import pino from 'pino'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import type { Config } from '../src/config.ts'
import type { BuildOptions } from '../src/app.ts'
import { loggerOptions } from '../src/logger.ts'
import { sandboxUsers, startSandbox } from '@sweatstack-bff/sandbox'
import type { SandboxOptions, StartedSandbox } from '@sweatstack-bff/sandbox'
import { CLOCK_START, SEED_END_DATE, TestClock, onTestCalendar } from './calendar.ts'

export const APP_URL = 'http://localhost:8000'
export const FRONTEND = 'http://localhost:5173'

export const athlete = sandboxUsers.find(user => user.role === 'athlete')!
export const coach = sandboxUsers.find(user => user.role === 'coach')!

interface Teardown { teardown: (fn: () => unknown) => void }

export interface Stack extends Bff {
  sandbox: StartedSandbox
}

/** The sandbox on loopback, on the test calendar (its seeded year, and `clock`); closed when the test ends. */
export async function startTestSandbox (t: Teardown, clock: TestClock, options: SandboxOptions = {}): Promise<StartedSandbox> {
  const sandbox = await startSandbox({ ...onTestCalendar(clock), ...options })
  t.teardown(() => sandbox.close())
  return sandbox
}

export function makeSessionKey (): string {
  return randomBytes(32).toString('base64url')
}

export interface Bff {
  /** The server: requests go here (inject, listen). */
  app: FastifyInstance
  /** The BFF plugin's own instance on it, where its decorators are (the session codec, the SweatStack client, the event hub). */
  bff: FastifyInstance
  config: Config
  sessionKey: string
  /** Every log line the BFF wrote, as text. */
  logs: string[]
  /** The BFF's clock (shared with the sandbox in a Stack). */
  clock: TestClock
}

export interface BffOptions {
  clock?: TestClock
  onRoute?: BuildOptions['onRoute']
}

/**
 * Builds the BFF against a SweatStack at `sweatstackUrl`; it is closed when the test ends. It logs at
 * `trace` unless told otherwise, so that every test is also a test that no secret reaches a log line
 * (see startStack).
 */
export async function buildBff (t: Teardown, sweatstackUrl: string, env: Record<string, string> = {}, options: BffOptions = {}): Promise<Bff> {
  const clock = options.clock ?? new TestClock()
  const sessionKey = makeSessionKey()
  const config = loadConfig({
    SWEATSTACK_CLIENT_ID: 'sandbox-client',
    SWEATSTACK_CLIENT_SECRET: 'sandbox-secret',
    SWEATSTACK_SESSION_SECRET: sessionKey,
    SWEATSTACK_URL: sweatstackUrl,
    APP_URL,
    FRONTEND_ORIGINS: FRONTEND,
    LOG_LEVEL: 'trace',
    // Tests share two cores with each other; the load-shedding test turns it on for itself.
    LOAD_SHEDDING_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  })
  const logs: string[] = []
  const sink = new Writable({ write (chunk, _encoding, done) { logs.push(String(chunk)); done() } })
  let bff: FastifyInstance | undefined
  const app = await buildApp(config, {
    loggerInstance: pino(loggerOptions(config.logLevel), sink),
    now: clock.now,
    onPluginInstance: instance => { bff = instance },
    ...(options.onRoute === undefined ? {} : { onRoute: options.onRoute }),
  })
  await app.ready()
  t.teardown(() => app.close())
  return { app, bff: bff!, config, sessionKey, logs, clock }
}

/**
 * When the test ends, fails it if any code, token or secret the sandbox handed out, or any of the BFF's
 * keys, appears in a line the BFF logged (as it is or URL-encoded).
 */
export function checkLogsAtEnd (t: Teardown, sandbox: StartedSandbox, logs: readonly string[], config: Config): void {
  t.teardown(() => {
    const text = logs.join('')
    const secrets = [...sandbox.sandbox.issuedSecrets(), ...config.sessionKeys.map(key => key.toString('base64url')), ...config.webhookSecrets]
    const leaked = secrets.filter(secret => secret.length >= 8 && (text.includes(secret) || text.includes(encodeURIComponent(secret))))
    if (leaked.length > 0) throw new Error(`${leaked.length} secrets reached the BFF's log, e.g. ${leaked[0]!.slice(0, 12)}…`)
  })
}

/** Starts the sandbox and builds the BFF against it; both are closed when the test ends. */
export async function startStack (t: Teardown, options: { env?: Record<string, string>, sandbox?: SandboxOptions } & BffOptions = {}): Promise<Stack> {
  const clock = options.clock ?? new TestClock()
  const sandbox = await startTestSandbox(t, clock, options.sandbox)
  const bff = await buildBff(t, sandbox.url, options.env, { ...options, clock })
  checkLogsAtEnd(t, sandbox, bff.logs, bff.config)
  return { ...bff, sandbox }
}

/** The sandbox in a process of its own (for measuring the BFF's memory alone) on the test calendar, driven over its control API. */
export async function startSandboxProcess (t: Teardown): Promise<{ url: string, control: (method: string, path: string, body?: unknown) => Promise<unknown> }> {
  const child = spawn(process.execPath, ['sandbox/server.ts'], { env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_SEED_END_DATE: SEED_END_DATE, SANDBOX_CLOCK_START: CLOCK_START, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill('SIGTERM') })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the sandbox process did not start within 10 s')), 10_000)
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/[\d.:]+)/.exec(String(chunk))
      if (match !== null) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child.once('exit', code => reject(new Error(`the sandbox process exited with ${code}`)))
  })
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
    return response.status === 204 ? undefined : response.json()
  }
  return { url, control }
}

interface StoredCookie { value: string, path: string }

/** Keeps cookies between requests the way a browser does (by name and path), for `app.inject`. */
export class Browser {
  readonly cookies = new Map<string, StoredCookie>()
  readonly app: FastifyInstance

  constructor (app: FastifyInstance) {
    this.app = app
  }

  cookieHeader (path: string): string {
    return [...this.cookies.entries()]
      .filter(([, cookie]) => path === cookie.path || path.startsWith(cookie.path.endsWith('/') ? cookie.path : cookie.path + '/'))
      .map(([name, cookie]) => `${name}=${cookie.value}`).join('; ')
  }

  async request (options: InjectOptions & { url: string }): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader(options.url.split('?')[0]!)
    const response = await this.app.inject({ ...options, headers: { ...(cookie ? { cookie } : {}), ...options.headers } })
    for (const set of response.cookies as Array<{ name: string, value: string, path?: string, maxAge?: number, expires?: Date }>) {
      const expired = set.maxAge === 0 || (set.expires !== undefined && set.expires.getTime() <= Date.now())
      if (expired || set.value === '') this.cookies.delete(set.name)
      else this.cookies.set(set.name, { value: encodeURIComponent(set.value), path: set.path ?? '/' })
    }
    return response
  }

  /** An API call as the example frontend makes it. */
  async api (url: string, options: Partial<InjectOptions> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: 'GET', ...options, url, headers: { 'x-csrf': '1', origin: FRONTEND, ...options.headers } })
  }
}

/** The URL SweatStack's authorize page redirects to once `userId` approves (the sandbox's scripted approval). */
export async function approveAtSandbox (authorizeUrl: string, userId: string): Promise<URL> {
  const url = new URL(authorizeUrl)
  url.searchParams.set('sandbox_user', userId)
  const response = await fetch(url, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (response.status !== 302 || location === null) throw new Error(`the sandbox did not approve: ${response.status} ${await response.text()}`)
  return new URL(location)
}

/**
 * Signs `userId` in through the whole flow; returns the callback's response (a redirect to `next`). When
 * SweatStack answers `prompt=none` the OpenID Connect way, the callback sends the browser to SweatStack
 * once more (without the prompt), and this follows. `prefix`: where the BFF is mounted in a host app.
 */
export async function signIn (browser: Browser, userId = athlete.id, next = `${FRONTEND}/`, prefix = ''): Promise<LightMyRequestResponse> {
  const login = await browser.request({ method: 'GET', url: `${prefix}/auth/sweatstack/login?next=${encodeURIComponent(next)}` })
  if (login.statusCode !== 302) throw new Error(`login answered ${login.statusCode}`)
  let authorize = login.headers.location as string
  for (let round = 1; ; round++) {
    const callback = await approveAtSandbox(authorize, userId)
    const answer = await browser.request({ method: 'GET', url: callback.pathname + callback.search })
    const location = String(answer.headers.location ?? '')
    if (round > 1 || !location.includes('/oauth/authorize')) return answer
    authorize = location
  }
}

/** Whether a tool the tests need is here; under CI=true a missing one fails the run instead of skipping. */
export function requireTool (t: { fail: (message: string) => void, comment: (message: string) => void }, path: string, what: string): boolean {
  if (existsSync(path)) return true
  if (process.env.CI === 'true') {
    t.fail(`${what} (${path}) is missing: .ci/run installs it; CI must not skip these tests`)
  } else {
    const banner = `!!! SKIPPED: ${what} is not installed (${path}); these tests did not run. apt-get install it to run them.`
    t.comment(banner)
    console.error(banner)
  }
  return false
}

export interface TestRedis {
  url: string
  /** Kills it (SIGKILL: nothing saved, as a crash). */
  stop: () => Promise<void>
  /** Starts a fresh, empty one on the same port (as a restarted Redis without persistence). */
  start: () => Promise<void>
}

/** The redis-server the replica tests start (Debian's, unless REDIS_SERVER_PATH says otherwise). */
export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'

/** A real redis-server on a free loopback port, stopped when the test ends. */
export async function startRedis (t: Teardown): Promise<TestRedis> {
  const port = await freePort()
  // Under faketime (the faked-date run of .ci/run) Redis keeps the real clock: libfaketime and Redis's
  // jemalloc do not load together, and Redis only counts durations.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME')))
  let child: ReturnType<typeof spawn> | undefined
  const stop = async () => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null) return
    running.kill('SIGKILL')
    await new Promise(resolve => running.once('exit', resolve))
  }
  const start = async () => {
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore', env })
    const until = performance.now() + 10_000
    for (;;) {
      const ready = await new Promise<boolean>(resolve => {
        const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
        socket.once('data', data => { socket.destroy(); resolve(String(data).startsWith('+PONG')) })
        socket.once('error', () => resolve(false))
      })
      if (ready) return
      if (performance.now() > until) throw new Error('redis-server did not start within 10 s')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  t.teardown(stop)
  await start()
  return { url: `redis://127.0.0.1:${port}`, stop, start }
}

/** Waits until `check` holds, looking every 10 ms: a condition instead of a fixed sleep; fails after `timeoutMs`. */
export async function eventually (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = performance.now() + timeoutMs
  while (!await check()) {
    if (performance.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

export { freePort }

/** A concrete path for a route: each parameter a well-formed value (the athlete, for the coach's select-user). */
export function concretePath (url: string): string {
  return url
    .replace(':userId', athlete.id)
    .replace(':measure', 'body_mass')
    .replace(/:\w+/g, '01JV7Q4ZK8W3N5T2B6X9C0D1EF')
    .replace('*', 'index.html')
}
