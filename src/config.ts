import { randomBytes } from 'node:crypto'

export const LOGIN_PROMPTS = ['none', 'login', 'consent', 'select_account'] as const
export type LoginPrompt = typeof LOGIN_PROMPTS[number]

export interface Config {
  /** No client credentials: talk to the local sandbox with its well-known client. */
  sandbox: boolean
  sweatstackUrl: string
  clientId: string
  clientSecret: string
  /** Newest first: the first key encrypts, every key decrypts. */
  sessionKeys: Buffer[]
  /** True when the key was made up at start because none was given (sandbox only). */
  sessionKeyIsEphemeral: boolean
  scopes: string[]
  loginPrompt: LoginPrompt | undefined
  /** This server's public URL, without a trailing slash (in a host app: the host's URL and the plugin's prefix). */
  appUrl: string
  appOrigin: string
  /**
   * Where the BFF's routes are mounted: '' for the standalone server, the plugin's prefix (e.g. `/bff`)
   * when it is registered in a host app. Set by the plugin, never read from the environment.
   */
  basePath: string
  frontendOrigins: string[]
  port: number
  host: string
  /** `npm start` in sandbox mode: where the sandbox and the example frontend listen. */
  sandboxPort: number
  frontendPort: number
  logLevel: string
  trustProxy: boolean | number | string[]
  sessionMaxAgeSeconds: number
  /** A session unused this long ends, whatever its age. */
  sessionIdleTimeoutSeconds: number
  /** Requests per minute per client address on /auth/*. */
  authRateLimitPerMinute: number
  /** The largest file an upload may carry. */
  uploadMaxFileBytes: number
  /** Refresh the access token this long before it expires. */
  refreshMarginSeconds: number
  upstreamConnectTimeoutMs: number
  upstreamTimeoutMs: number
  /** Retries of an idempotent call (GET, PUT, DELETE) after a refused connection, 502/503/504 or 429. */
  upstreamRetries: number
  circuitBreakerThreshold: number
  circuitBreakerCooldownMs: number
  /** Shed load (503) when the event loop lags this much; 0 turns it off. */
  loadSheddingEventLoopDelayMs: number
  /** Shared state for several replicas; unset: in-process. */
  redisUrl: string | undefined
  /** Newest first; unset: the webhook route answers 404. */
  webhookSecrets: string[]
  sseHeartbeatSeconds: number
  /** How far back a reconnecting event stream is replayed (Last-Event-ID). */
  eventReplaySeconds: number
  /** Forward SweatStack paths the contract does not have yet (untyped); off unless asked for. */
  passthrough: boolean
}

export const SANDBOX_CLIENT_ID = 'sandbox-client'
export const SANDBOX_CLIENT_SECRET = 'sandbox-secret'
export const SANDBOX_WEBHOOK_SECRET = 'whsec_sandbox_only_not_a_secret'
export const SWEATSTACK_DEFAULT_URL = 'https://app.sweatstack.no'
export const DEFAULT_SCOPES = 'data:read profile'

const MAKE_KEY_COMMAND = 'node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64url\'))"'
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export class ConfigError extends Error {
  readonly problems: string[]

  /** `where`: what was read, e.g. "the plugin's options" (default: the configuration). */
  constructor (problems: string[], where = 'the configuration') {
    super(`sweatstack-bff cannot start: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${where}\n` +
      problems.map(p => `  - ${p}`).join('\n'))
    this.name = 'ConfigError'
    this.problems = problems
  }
}

type Env = Record<string, string | undefined>

/** Reads and checks every setting at once, so one start reports every problem. */
/** What a valid configuration still deserves a warning about at start. */
export function configWarnings (config: Config): string[] {
  const warnings: string[] = []
  if (config.sandbox) {
    warnings.push(`SANDBOX MODE: signing in against the sandbox SweatStack at ${config.sweatstackUrl}, not the real one. Set SWEATSTACK_CLIENT_ID and SWEATSTACK_CLIENT_SECRET to use SweatStack.`)
  }
  if (config.trustProxy === true) {
    warnings.push('TRUST_PROXY=true believes X-Forwarded-For from anyone: a client can then pick the address it is rate limited by. Set it to the hop count or the addresses of your proxies instead.')
  }
  if (config.sessionKeyIsEphemeral) {
    warnings.push('SWEATSTACK_SESSION_SECRET is not set: using a random key, so sessions end when the server restarts.')
  }
  return warnings
}

export function loadConfig (env: Env = process.env): Config {
  const problems: string[] = []
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === '' ? undefined : value
  }

  const clientId = read('SWEATSTACK_CLIENT_ID')
  const clientSecret = read('SWEATSTACK_CLIENT_SECRET')
  const sandbox = clientId === undefined && clientSecret === undefined
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    const missing = clientId === undefined ? 'SWEATSTACK_CLIENT_ID' : 'SWEATSTACK_CLIENT_SECRET'
    problems.push(`${missing} is missing: set both SWEATSTACK_CLIENT_ID and SWEATSTACK_CLIENT_SECRET (from your app at SweatStack), or neither to run against the sandbox.`)
  }
  if (sandbox && read('NODE_ENV') === 'production' && read('SWEATSTACK_ALLOW_SANDBOX') !== 'true') {
    problems.push('SWEATSTACK_CLIENT_ID and SWEATSTACK_CLIENT_SECRET are not set while NODE_ENV=production: set them, or set SWEATSTACK_ALLOW_SANDBOX=true to run against a sandbox on purpose.')
  }

  // The ports come first: the URLs' defaults follow them, so changing a port (in the environment or
  // .env) never leaves a URL pointing at the old one.
  const port = parseInteger(read('PORT') ?? '8000', 'PORT', 0, 65535, problems)
  const sandboxPort = parseInteger(read('SANDBOX_PORT') ?? '8001', 'SANDBOX_PORT', 0, 65535, problems)
  const frontendPort = parseInteger(read('FRONTEND_PORT') ?? '5173', 'FRONTEND_PORT', 1, 65535, problems)
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`
  const sweatstackUrl = parseHttpUrl(read('SWEATSTACK_URL') ?? (sandbox ? sandboxUrl : SWEATSTACK_DEFAULT_URL), 'SWEATSTACK_URL', problems)

  let sessionKeys: Buffer[] = []
  let sessionKeyIsEphemeral = false
  const secret = read('SWEATSTACK_SESSION_SECRET')
  if (secret === undefined) {
    if (sandbox) {
      sessionKeys = [randomBytes(32)]
      sessionKeyIsEphemeral = true
    } else {
      problems.push(`SWEATSTACK_SESSION_SECRET is missing. Make one (32 random bytes, url-safe base64) with:\n      ${MAKE_KEY_COMMAND}\n    To rotate keys later, put the new key first: SWEATSTACK_SESSION_SECRET=new,old`)
    }
  } else {
    sessionKeys = parseSessionKeys(secret, problems)
  }

  // The sandbox grants writes too, so every screen of the example frontend works out of the box.
  // One default in both modes, so that what works against the sandbox works against SweatStack.
  const scopes = (read('SWEATSTACK_SCOPES') ?? DEFAULT_SCOPES).split(/[\s,]+/).filter(Boolean)
  const knownScopes = ['data:read', 'data:write', 'profile', 'openid', 'offline_access']
  for (const scope of scopes) {
    if (!knownScopes.includes(scope)) problems.push(`SWEATSTACK_SCOPES: "${scope}" is not a SweatStack scope; use a space-separated list of ${knownScopes.join(', ')}.`)
  }

  const prompt = read('SWEATSTACK_LOGIN_PROMPT') ?? 'none'
  let loginPrompt: LoginPrompt | undefined
  if (prompt === 'default') loginPrompt = undefined
  else if ((LOGIN_PROMPTS as readonly string[]).includes(prompt)) loginPrompt = prompt as LoginPrompt
  else problems.push(`SWEATSTACK_LOGIN_PROMPT: "${prompt}" is not one of ${LOGIN_PROMPTS.join(', ')}, default.`)

  const appUrl = parseHttpUrl(read('APP_URL') ?? `http://localhost:${port || 8000}`, 'APP_URL', problems)
  const frontendOrigins = (read('FRONTEND_ORIGINS') ?? `http://localhost:${frontendPort}`).split(',').map(s => s.trim()).filter(Boolean)
    .map(origin => parseOrigin(origin, problems))
  if (frontendOrigins.length === 0) problems.push('FRONTEND_ORIGINS is empty: give the origin of your frontend, e.g. http://localhost:5173.')

  const host = read('HOST') ?? '127.0.0.1'
  const logLevel = read('LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}.`)
  const trustProxy = parseTrustProxy(read('TRUST_PROXY') ?? 'false', problems)
  const sessionMaxAgeSeconds = parseInteger(read('SESSION_MAX_AGE') ?? String(7 * 24 * 3600), 'SESSION_MAX_AGE', 60, 400 * 24 * 3600, problems)
  const sessionIdleTimeoutSeconds = parseInteger(read('SESSION_IDLE_TIMEOUT') ?? String(24 * 3600), 'SESSION_IDLE_TIMEOUT', 60, 400 * 24 * 3600, problems)
  const authRateLimitPerMinute = parseInteger(read('AUTH_RATE_LIMIT') ?? '60', 'AUTH_RATE_LIMIT', 1, 1_000_000, problems)
  const uploadMaxFileBytes = parseInteger(read('UPLOAD_MAX_FILE_BYTES') ?? String(32 * 1024 * 1024), 'UPLOAD_MAX_FILE_BYTES', 1, 1024 * 1024 * 1024, problems)
  const refreshMarginSeconds = parseInteger(read('TOKEN_REFRESH_MARGIN_SECONDS') ?? '60', 'TOKEN_REFRESH_MARGIN_SECONDS', 0, 3600, problems)
  const upstreamConnectTimeoutMs = parseInteger(read('UPSTREAM_CONNECT_TIMEOUT_MS') ?? '5000', 'UPSTREAM_CONNECT_TIMEOUT_MS', 1, 120_000, problems)
  const upstreamTimeoutMs = parseInteger(read('UPSTREAM_TIMEOUT_MS') ?? '30000', 'UPSTREAM_TIMEOUT_MS', 1, 600_000, problems)

  const upstreamRetries = parseInteger(read('UPSTREAM_RETRIES') ?? '2', 'UPSTREAM_RETRIES', 0, 5, problems)
  const circuitBreakerThreshold = parseInteger(read('CIRCUIT_BREAKER_THRESHOLD') ?? '5', 'CIRCUIT_BREAKER_THRESHOLD', 1, 1000, problems)
  const circuitBreakerCooldownMs = parseInteger(read('CIRCUIT_BREAKER_COOLDOWN_MS') ?? '5000', 'CIRCUIT_BREAKER_COOLDOWN_MS', 100, 600_000, problems)
  const loadSheddingEventLoopDelayMs = parseInteger(read('LOAD_SHEDDING_EVENT_LOOP_DELAY_MS') ?? '1000', 'LOAD_SHEDDING_EVENT_LOOP_DELAY_MS', 0, 60_000, problems)

  const redisUrl = read('REDIS_URL')
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) problems.push(`REDIS_URL: "${redisUrl.replace(/\/\/[^@]*@/, '//***@')}" is not a redis:// or rediss:// URL.`)
  const webhookSecrets = (read('SWEATSTACK_WEBHOOK_SECRETS') ?? (sandbox ? SANDBOX_WEBHOOK_SECRET : '')).split(',').map(secret => secret.trim()).filter(Boolean)
  if (webhookSecrets.some(secret => secret.length < 16)) problems.push('SWEATSTACK_WEBHOOK_SECRETS: each secret must be the one SweatStack shows for your app (whsec_..., at least 16 characters).')
  const passthroughText = read('SWEATSTACK_PASSTHROUGH') ?? 'false'
  if (passthroughText !== 'true' && passthroughText !== 'false') problems.push(`SWEATSTACK_PASSTHROUGH: "${passthroughText}" is not true or false.`)
  const sseHeartbeatSeconds = parseInteger(read('SSE_HEARTBEAT_SECONDS') ?? '15', 'SSE_HEARTBEAT_SECONDS', 1, 300, problems)
  const eventReplaySeconds = parseInteger(read('EVENT_REPLAY_SECONDS') ?? '300', 'EVENT_REPLAY_SECONDS', 0, 3600, problems)

  if (problems.length > 0) throw new ConfigError(problems)

  const appUrlObject = new URL(appUrl)
  return {
    sandbox,
    sweatstackUrl,
    clientId: clientId ?? SANDBOX_CLIENT_ID,
    clientSecret: clientSecret ?? SANDBOX_CLIENT_SECRET,
    sessionKeys,
    sessionKeyIsEphemeral,
    scopes,
    loginPrompt,
    appUrl,
    appOrigin: appUrlObject.origin,
    basePath: '',
    frontendOrigins,
    port,
    host,
    sandboxPort,
    frontendPort,
    logLevel,
    trustProxy,
    sessionMaxAgeSeconds,
    sessionIdleTimeoutSeconds,
    authRateLimitPerMinute,
    uploadMaxFileBytes,
    refreshMarginSeconds,
    upstreamConnectTimeoutMs,
    upstreamTimeoutMs,
    upstreamRetries,
    circuitBreakerThreshold,
    circuitBreakerCooldownMs,
    loadSheddingEventLoopDelayMs,
    redisUrl,
    webhookSecrets,
    passthrough: passthroughText === 'true',
    sseHeartbeatSeconds,
    eventReplaySeconds,
  }
}

function parseSessionKeys (value: string, problems: string[]): Buffer[] {
  const keys: Buffer[] = []
  for (const [index, text] of value.split(',').map(s => s.trim()).entries()) {
    const position = `key ${index + 1}`
    // Fernet keys (what SweatStack's docs generate) are url-safe base64 of 32 bytes; plain base64 is accepted too.
    if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text)) {
      problems.push(`SWEATSTACK_SESSION_SECRET: ${position} is not base64. Make one with:\n      ${MAKE_KEY_COMMAND}`)
      continue
    }
    const key = Buffer.from(text, 'base64')
    if (key.length !== 32) {
      problems.push(`SWEATSTACK_SESSION_SECRET: ${position} decodes to ${key.length} bytes, not 32. Make one with:\n      ${MAKE_KEY_COMMAND}`)
      continue
    }
    keys.push(key)
  }
  return keys
}

function parseHttpUrl (value: string, name: string, problems: string[]): string {
  try {
    const url = new URL(value)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http')
    if (url.search || url.hash) throw new Error('query')
    return url.href.replace(/\/+$/, '')
  } catch {
    problems.push(`${name}: "${value}" is not an http(s) URL like https://example.com (no query string).`)
    return value
  }
}

function parseOrigin (value: string, problems: string[]): string {
  try {
    const url = new URL(value)
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '')) return url.origin
  } catch {}
  problems.push(`FRONTEND_ORIGINS: "${value}" is not an origin like https://app.example.com (scheme, host and port only).`)
  return value
}

function parseInteger (value: string, name: string, min: number, max: number, problems: string[]): number {
  const number = Number(value)
  if (!/^\d+$/.test(value) || number < min || number > max) {
    problems.push(`${name}: "${value}" is not a whole number from ${min} to ${max}.`)
  }
  return number
}

function parseTrustProxy (value: string, problems: string[]): boolean | number | string[] {
  if (value === 'true') return true
  if (value === 'false') return false
  if (/^\d+$/.test(value)) return Number(value)
  const list = value.split(',').map(s => s.trim()).filter(Boolean)
  if (list.every(entry => /^[0-9a-fA-F.:/]+$/.test(entry))) return list
  problems.push(`TRUST_PROXY: "${value}" is not true, false, a hop count or a comma-separated list of proxy addresses/CIDRs.`)
  return false
}
