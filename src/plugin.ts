// The package's entry point: the BFF as one Fastify plugin for an existing app.
//
//   import sweatstackBff from 'sweatstack-bff'
//   await app.register(sweatstackBff, { prefix: '/bff', clientId, clientSecret, sessionSecret, appUrl })
//
// Its routes, hooks, error and not-found handlers, CORS, security headers and rate limits stay in its
// own encapsulation context (src/bff.ts, the same plugin the standalone server runs). On the host it
// adds one thing: `request.sweatstack`, so that the host's own routes can call SweatStack themselves.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, LogLevel, RegisterOptions } from 'fastify'
import { bff } from './bff.ts'
import { ConfigError, loadConfig } from './config.ts'
import type { LoginPrompt } from './config.ts'
import { requestLogFields } from './logger.ts'
import { ROUTE_GROUPS } from './route-groups.ts'
import type { RouteGroups } from './route-groups.ts'
import type { SweatStackSession } from '../plugins/app/session/types.ts'

// What the package's types hold: these, and `request.sweatstack` on Fastify's requests (./types.ts).
// Nothing else of the plugin's internals (its own decorators live in its own context).
export { ConfigError } from './config.ts'
export type { LoginPrompt } from './config.ts'
export type { RouteGroups } from './route-groups.ts'
export type { ProblemCode } from './errors.ts'
export { ProblemError } from './errors.ts'
export type { CallbackQuery, SessionIdentity, SessionInfo, StreamScope, SweatStackSession, TokenOwner } from '../plugins/app/session/types.ts'

/** The scopes SweatStack grants. */
export type SweatStackScope = 'data:read' | 'data:write' | 'profile' | 'openid' | 'offline_access'

/**
 * The plugin's options. Each has the meaning of the standalone server's environment variable named
 * beside it (README, "Configuration"); a bad or missing one stops `register` with a ConfigError that
 * lists every problem, before the server listens.
 */
export interface SweatStackBffOptions {
  /** Your app's id at SweatStack (`SWEATSTACK_CLIENT_ID`). Required. */
  clientId: string
  /** Your app's client secret at SweatStack (`SWEATSTACK_CLIENT_SECRET`). Required. */
  clientSecret: string
  /**
   * The key the session cookie is encrypted with: 32 random bytes, url-safe base64
   * (`SWEATSTACK_SESSION_SECRET`). Several rotate keys: newest first; all decrypt, the first encrypts.
   */
  sessionSecret: string | readonly string[]
  /**
   * Your app's public URL, e.g. `https://app.example.com` (`APP_URL`). The BFF's routes are at this URL
   * plus `prefix`: register `appUrl + prefix + '/auth/sweatstack/callback'` as your SweatStack app's
   * redirect URI. https makes the cookies `Secure`.
   */
  appUrl: string
  /**
   * Where the BFF's routes are mounted, e.g. `/bff` (Fastify's own register option); recommended.
   * Without one they are at your root, unknown URLs stay yours to answer, but its CORS preflight route
   * (`OPTIONS *`) then answers preflights for every URL of your app.
   */
  prefix?: string
  /**
   * The origins of the frontends that call the BFF with credentials (CORS) and that sign-in may return to
   * (`FRONTEND_ORIGINS`). Default: the origin of `appUrl`, a page served by your own app.
   */
  frontendOrigins?: readonly string[]
  /** The scopes to ask SweatStack for (`SWEATSTACK_SCOPES`); default `['data:read', 'profile']`. */
  scopes?: readonly SweatStackScope[]
  /** SweatStack's base URL (`SWEATSTACK_URL`); default `https://app.sweatstack.no`. */
  sweatstackUrl?: string
  /** `prompt` sent to SweatStack's authorize page (`SWEATSTACK_LOGIN_PROMPT`); default `none`. */
  loginPrompt?: LoginPrompt | 'default'
  /** Which route groups to serve; default `{ api: true, events: true, webhooks: false, docs: false }`. */
  routes?: RouteGroups
  /** The log level of the plugin's routes (Fastify's own register option). */
  logLevel?: LogLevel
  /**
   * Log serializers of the plugin's routes (Fastify's own register option). Its `req` is always the
   * plugin's: the URL without the OAuth callback's `code` and `state`.
   */
  logSerializers?: RegisterOptions['logSerializers']
  /** Seconds a session lasts at most after sign-in (`SESSION_MAX_AGE`); default 604800 (7 days). */
  sessionMaxAgeSeconds?: number
  /** Seconds without a request after which a session ends (`SESSION_IDLE_TIMEOUT`); default 86400. */
  sessionIdleTimeoutSeconds?: number
  /** Requests per minute per client address on `/auth/*` and unknown URLs under `prefix` (`AUTH_RATE_LIMIT`); default 60. */
  authRateLimitPerMinute?: number
  /** The largest file an upload passes on (`UPLOAD_MAX_FILE_BYTES`); default 32 MiB. */
  uploadMaxFileBytes?: number
  /** Refresh the access token this long before it expires (`TOKEN_REFRESH_MARGIN_SECONDS`); default 60. */
  tokenRefreshMarginSeconds?: number
  /** Bound on connecting to SweatStack (`UPSTREAM_CONNECT_TIMEOUT_MS`); default 5000. */
  upstreamConnectTimeoutMs?: number
  /** Bound on waiting for SweatStack's answer (`UPSTREAM_TIMEOUT_MS`); default 30000. */
  upstreamTimeoutMs?: number
  /** Retries of an idempotent call (`UPSTREAM_RETRIES`); default 2. */
  upstreamRetries?: number
  /** Failed calls in a row that open the circuit breaker (`CIRCUIT_BREAKER_THRESHOLD`); default 5. */
  circuitBreakerThreshold?: number
  /** How long the open circuit breaker answers 503 at once (`CIRCUIT_BREAKER_COOLDOWN_MS`); default 5000. */
  circuitBreakerCooldownMs?: number
  /** Answer 503 on the plugin's routes while the event loop lags this much (`LOAD_SHEDDING_EVENT_LOOP_DELAY_MS`; 0: never); default 1000. */
  loadSheddingEventLoopDelayMs?: number
  /** Redis for state shared by several replicas (`REDIS_URL`); default in-process. */
  redisUrl?: string
  /** Your SweatStack app's webhook secrets, newest first (`SWEATSTACK_WEBHOOK_SECRETS`); needed by `routes.webhooks`. */
  webhookSecrets?: readonly string[]
  /** Forward SweatStack paths without a typed route, untyped (`SWEATSTACK_PASSTHROUGH`); default false. */
  passthrough?: boolean
  /** Heartbeat interval of the event stream (`SSE_HEARTBEAT_SECONDS`); default 15. */
  sseHeartbeatSeconds?: number
  /** How far back a reconnecting event stream is replayed (`EVENT_REPLAY_SECONDS`); default 300. */
  eventReplaySeconds?: number
  /** The clock, epoch ms; default `Date.now` (tests pin it). */
  now?: () => number
}

/** Each option, and the environment variable of the standalone server it stands for. */
const VARIABLES = {
  clientId: 'SWEATSTACK_CLIENT_ID',
  clientSecret: 'SWEATSTACK_CLIENT_SECRET',
  sessionSecret: 'SWEATSTACK_SESSION_SECRET',
  appUrl: 'APP_URL',
  frontendOrigins: 'FRONTEND_ORIGINS',
  scopes: 'SWEATSTACK_SCOPES',
  sweatstackUrl: 'SWEATSTACK_URL',
  loginPrompt: 'SWEATSTACK_LOGIN_PROMPT',
  logLevel: 'LOG_LEVEL',
  sessionMaxAgeSeconds: 'SESSION_MAX_AGE',
  sessionIdleTimeoutSeconds: 'SESSION_IDLE_TIMEOUT',
  authRateLimitPerMinute: 'AUTH_RATE_LIMIT',
  uploadMaxFileBytes: 'UPLOAD_MAX_FILE_BYTES',
  tokenRefreshMarginSeconds: 'TOKEN_REFRESH_MARGIN_SECONDS',
  upstreamConnectTimeoutMs: 'UPSTREAM_CONNECT_TIMEOUT_MS',
  upstreamTimeoutMs: 'UPSTREAM_TIMEOUT_MS',
  upstreamRetries: 'UPSTREAM_RETRIES',
  circuitBreakerThreshold: 'CIRCUIT_BREAKER_THRESHOLD',
  circuitBreakerCooldownMs: 'CIRCUIT_BREAKER_COOLDOWN_MS',
  loadSheddingEventLoopDelayMs: 'LOAD_SHEDDING_EVENT_LOOP_DELAY_MS',
  redisUrl: 'REDIS_URL',
  webhookSecrets: 'SWEATSTACK_WEBHOOK_SECRETS',
  passthrough: 'SWEATSTACK_PASSTHROUGH',
  sseHeartbeatSeconds: 'SSE_HEARTBEAT_SECONDS',
  eventReplaySeconds: 'EVENT_REPLAY_SECONDS',
} as const satisfies Partial<Record<keyof SweatStackBffOptions, string>>

/** Options that are not settings: Fastify's own register options, and the plugin's non-text ones. */
const OTHER_OPTIONS = new Set(['prefix', 'logSerializers', 'routes', 'now'])
const PREFIX = /^(?:\/[^/?#\s]+)+$/
const DEFAULT_ROUTES: Required<RouteGroups> = { api: true, events: true, webhooks: false, docs: false }

/** An option's value as the text its environment variable would hold (no secrets is none; no origins is a problem). */
function asText (option: string, value: unknown): string {
  const separator = option === 'scopes' ? ' ' : ','
  if (!Array.isArray(value)) return String(value)
  if (value.length === 0) return option === 'frontendOrigins' ? separator : ''
  return value.map(String).join(separator)
}

/** Today's message about an environment variable, about the option instead. */
function inOptionTerms (problem: string): string {
  let text = problem.replace('SWEATSTACK_SESSION_SECRET=new,old', 'sessionSecret: [newKey, oldKey]')
  for (const [option, variable] of Object.entries(VARIABLES)) text = text.replace(new RegExp(`\\b${variable}\\b`, 'g'), option)
  return text
}

/** The options as today's configuration, checked by the same code as the environment (src/config.ts). */
function configFromOptions (options: SweatStackBffOptions) {
  const given = options as unknown as Record<string, unknown>
  const problems: string[] = []
  for (const name of Object.keys(given)) {
    if (!(name in VARIABLES) && !OTHER_OPTIONS.has(name)) problems.push(`"${name}" is not an option of sweatstack-bff; the options are ${[...Object.keys(VARIABLES), ...OTHER_OPTIONS].join(', ')}.`)
  }
  const missing = (name: string) => given[name] === undefined || given[name] === null || String(given[name]).trim() === ''
  if (missing('clientId') || missing('clientSecret')) {
    const which = ['clientId', 'clientSecret'].filter(missing)
    problems.push(`${which.join(' and ')} ${which.length === 1 ? 'is' : 'are'} missing: set both clientId and clientSecret (from your app at SweatStack).`)
  }
  if (missing('appUrl')) problems.push('appUrl is missing: give your app\'s public URL, e.g. https://app.example.com (the BFF\'s routes are there, under prefix).')
  if (options.prefix !== undefined && options.prefix !== '/' && !PREFIX.test(options.prefix)) {
    problems.push(`prefix: "${options.prefix}" is not a path like /bff (a leading slash, no trailing one).`)
  }
  for (const group of Object.keys(options.routes ?? {})) {
    if (!(ROUTE_GROUPS as readonly string[]).includes(group)) problems.push(`routes: "${group}" is not a route group; the groups are ${ROUTE_GROUPS.join(', ')}.`)
  }
  if (options.now !== undefined && typeof options.now !== 'function') problems.push('now: must be a function answering epoch milliseconds.')

  const env: Record<string, string> = {}
  for (const [option, variable] of Object.entries(VARIABLES)) {
    const value = given[option]
    if (value !== undefined && value !== null) env[variable] = asText(option, value)
  }
  // Missing credentials are reported above; the stand-ins keep loadConfig from reading them as sandbox mode.
  if (missing('clientId')) env.SWEATSTACK_CLIENT_ID = 'missing'
  if (missing('clientSecret')) env.SWEATSTACK_CLIENT_SECRET = 'missing'
  if (env.FRONTEND_ORIGINS === undefined) {
    try {
      env.FRONTEND_ORIGINS = new URL(String(given.appUrl)).origin
    } catch {}
  }
  try {
    const config = loadConfig(env)
    if (problems.length === 0) return config
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    problems.push(...error.problems.map(inOptionTerms))
  }
  throw new ConfigError(problems, 'the options of the sweatstack-bff plugin')
}

const HOST_DOOR = Symbol('sweatstack session door of a host route')

/**
 * The BFF as a plugin of an existing Fastify app. Its options are checked at `register`: a bad one
 * throws a ConfigError naming it. It decorates the host's requests with `sweatstack` (and nothing else
 * the host can see); its routes, hooks and handlers stay in its own encapsulation context.
 */
const sweatstackBff: FastifyPluginAsync<SweatStackBffOptions> = fp(async function sweatstackBff (host: FastifyInstance, options: SweatStackBffOptions) {
  const config = configFromOptions(options)
  const prefix = options.prefix === '/' ? undefined : options.prefix
  let plugin: FastifyInstance | undefined
  await host.register(bff, {
    config,
    routes: { ...DEFAULT_ROUTES, ...options.routes },
    hosted: true,
    ...(options.now === undefined ? {} : { now: options.now }),
    // With the trailing slash, routes registered as '*' (@fastify/cors's preflight route) become /bff/*
    // rather than /bff*, which would also match a host's /bffx.
    ...(prefix === undefined ? {} : { prefix: `${prefix}/` }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    // The host's logger, with the requests of the plugin's routes logged without their OAuth code and state.
    logSerializers: { ...options.logSerializers, req: requestLogFields as never },
    onInstance: instance => { plugin = instance },
  })
  // The host's own routes get the session through a getter that reads the cookie when first asked:
  // no hook of the plugin runs for them.
  const doors = plugin!
  host.decorateRequest(HOST_DOOR, null)
  host.decorateRequest('sweatstack', {
    getter (this: FastifyRequest) {
      const request = this as FastifyRequest & { [HOST_DOOR]: SweatStackSession | null }
      return (request[HOST_DOOR] ??= doors.sessionDoorForHostRoute(this))
    },
  })
}, { name: 'sweatstack-bff', fastify: '5.x' })

export { sweatstackBff }
export default sweatstackBff
