// Test support: the sandbox on 127.0.0.1:0, the BFF built against it, a cookie-keeping browser, and sign-in.
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import pino from 'pino'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import type { Config } from '../src/config.ts'
import { loggerOptions } from '../src/logger.ts'
import { startSandbox } from '../sandbox/start.ts'
import type { StartedSandbox } from '../sandbox/start.ts'
import type { SandboxOptions } from '../sandbox/options.ts'
import { sandboxUsers } from '../sandbox/users.ts'

export const APP_URL = 'http://localhost:8000'
export const FRONTEND = 'http://localhost:5173'

export const athlete = sandboxUsers.find(user => user.role === 'athlete')!
export const coach = sandboxUsers.find(user => user.role === 'coach')!

interface Teardown { teardown: (fn: () => unknown) => void }

export interface Stack {
  app: FastifyInstance
  sandbox: StartedSandbox
  config: Config
  sessionKey: string
  /** Every log line the BFF wrote, as text. */
  logs: string[]
}

export function makeSessionKey (): string {
  return randomBytes(32).toString('base64url')
}

/** Starts the sandbox and builds the BFF against it; both are closed when the test ends. */
export async function startStack (t: Teardown, options: { env?: Record<string, string>, sandbox?: SandboxOptions } = {}): Promise<Stack> {
  const sandbox = await startSandbox(options.sandbox)
  const sessionKey = makeSessionKey()
  const config = loadConfig({
    SWEATSTACK_CLIENT_ID: 'sandbox-client',
    SWEATSTACK_CLIENT_SECRET: 'sandbox-secret',
    SWEATSTACK_SESSION_SECRET: sessionKey,
    SWEATSTACK_URL: sandbox.url,
    APP_URL,
    FRONTEND_ORIGINS: FRONTEND,
    LOG_LEVEL: 'debug',
    ...options.env,
  })
  const logs: string[] = []
  const sink = new Writable({ write (chunk, _encoding, done) { logs.push(String(chunk)); done() } })
  const app = await buildApp(config, { loggerInstance: pino(loggerOptions(config.logLevel), sink) })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await sandbox.close()
  })
  return { app, sandbox, config, sessionKey, logs }
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

/** Signs `userId` in through the whole flow; returns the callback's response (a redirect to `next`). */
export async function signIn (browser: Browser, userId = athlete.id, next = `${FRONTEND}/`): Promise<LightMyRequestResponse> {
  const login = await browser.request({ method: 'GET', url: `/auth/sweatstack/login?next=${encodeURIComponent(next)}` })
  if (login.statusCode !== 302) throw new Error(`login answered ${login.statusCode}`)
  const callback = await approveAtSandbox(login.headers.location as string, userId)
  return browser.request({ method: 'GET', url: callback.pathname + callback.search })
}
