// Test support for the package's plugin: a host app (a Fastify of its own, with routes of its own) with
// sweatstack-bff registered in it, against the sandbox on loopback, on the test calendar.
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import type { FastifyInstance, RouteOptions } from 'fastify'
import pino from 'pino'
import type { SandboxOptions, StartedSandbox } from '@sweatstack-bff/sandbox'
import sweatstackBff from '../../src/plugin.ts'
import type { SweatStackBffOptions } from '../../src/plugin.ts'
import type { Config } from '../../src/config.ts'
import { TestClock } from '../calendar.ts'
import { checkLogsAtEnd, makeSessionKey, startTestSandbox } from '../helper.ts'

/** The host app's public URL (its own origin serves its page and the BFF under the prefix). */
export const HOST_URL = 'http://localhost:8000'
export const PREFIX = '/bff'

interface Teardown { teardown: (fn: () => unknown) => void }

export interface HostStack {
  /** The host app. */
  app: FastifyInstance
  sandbox: StartedSandbox
  clock: TestClock
  sessionKey: string
  /** Every log line the host wrote (the plugin logs through it), as text. */
  logs: string[]
  /** Every route added to the host, the plugin's included, in the order they were added. */
  routes: Array<{ method: string, url: string }>
}

export interface HostOptions {
  /** The plugin's options over the defaults (the sandbox client, a fresh key, HOST_URL, PREFIX). */
  bff?: Partial<SweatStackBffOptions>
  /** The host's own setup before the plugin is registered: routes, hooks, its own plugins. */
  before?: (app: FastifyInstance) => unknown
  /** ...and after. */
  after?: (app: FastifyInstance) => unknown
  sandbox?: SandboxOptions
  clock?: TestClock
}

/**
 * Starts the sandbox and a host app with the plugin in it; both are closed when the test ends. The host
 * logs at `trace`, and the test fails if a secret the sandbox handed out reaches a log line.
 */
export async function startHost (t: Teardown, options: HostOptions = {}): Promise<HostStack> {
  const clock = options.clock ?? new TestClock()
  const sandbox = await startTestSandbox(t, clock, options.sandbox)
  const logs: string[] = []
  const sink = new Writable({ write (chunk, _encoding, done) { logs.push(String(chunk)); done() } })
  const app = Fastify({ loggerInstance: pino({ level: 'trace' }, sink) }) as unknown as FastifyInstance
  const routes: HostStack['routes'] = []
  app.addHook('onRoute', (route: RouteOptions) => { for (const method of [route.method].flat()) routes.push({ method, url: route.url }) })
  await options.before?.(app)
  const sessionKey = makeSessionKey()
  await app.register(sweatstackBff, {
    clientId: 'sandbox-client',
    clientSecret: 'sandbox-secret',
    sessionSecret: sessionKey,
    appUrl: HOST_URL,
    sweatstackUrl: sandbox.url,
    prefix: PREFIX,
    now: clock.now,
    // Tests share two cores with each other.
    loadSheddingEventLoopDelayMs: 0,
    ...options.bff,
  })
  await options.after?.(app)
  await app.ready()
  t.teardown(() => app.close())
  checkLogsAtEnd(t, sandbox, logs, { sessionKeys: [Buffer.from(sessionKey, 'base64url')], webhookSecrets: [...options.bff?.webhookSecrets ?? []] } as unknown as Config)
  return { app, sandbox, clock, sessionKey, logs, routes }
}
