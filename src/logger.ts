import type { LoggerOptions } from 'pino'

/** Query parameters that carry OAuth secrets and must never reach a log line. */
const SECRET_QUERY = /([?&](?:code|state|code_verifier|access_token|refresh_token|client_secret|token)=)[^&#]*/gi

/** Keys whose values are secret wherever they appear in a logged object, at any depth (compared in lower case). */
const SECRET_KEYS = new Set([
  'authorization', 'cookie', 'set-cookie', 'x-sweatstack-signature', 'proxy-authorization',
  'access_token', 'refresh_token', 'id_token', 'client_secret', 'code_verifier',
  'accesstoken', 'refreshtoken', 'verifier', 'password', 'secret', 'secrets', 'sessionkey', 'sessionkeys', 'token',
])

/** Secrets inside text: JWTs, and the values of this server's cookies. */
const SECRET_TEXT = /eyJ[\w-]+\.[\w-]+\.[\w-]+|((?:__Host-)?sweatstack_(?:session|login)=)[^;\s"]+/g

const CENSOR = '[redacted]'
const MAX_DEPTH = 8

export function redactUrl (url: string): string {
  return url.replace(SECRET_QUERY, `$1${CENSOR}`)
}

function redactText (text: string): string {
  return text.replace(SECRET_TEXT, (_match, cookie: string | undefined) => cookie === undefined ? CENSOR : cookie + CENSOR)
}

function isPlain (value: object): boolean {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null || Array.isArray(value)
}

/**
 * A copy of a logged value with every secret replaced, however deeply it is nested (a plugin logging its
 * options at trace level may include the request's headers). Plain objects and arrays are walked;
 * anything else (a request, an error) is left to its serializer.
 */
export function redactDeep (value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value)
  if (value === null || typeof value !== 'object' || !isPlain(value)) return value
  if (depth >= MAX_DEPTH) return '[too deep to log]'
  if (Array.isArray(value)) return value.map(item => redactDeep(item, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) copy[key] = SECRET_KEYS.has(key.toLowerCase()) ? CENSOR : redactDeep(item, depth + 1)
  return copy
}

/** How a request appears in a log line: no query secret (the OAuth callback's `code` and `state`). */
export function requestLogFields (request: { method: string, url: string, ip: string }): { method: string, url: string, remoteAddress: string } {
  return {
    method: request.method,
    url: redactUrl(request.url),
    remoteAddress: request.ip,
  }
}

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    hooks: {
      // Every argument of every log call, at every level: objects walked, text scrubbed.
      logMethod (args, method) {
        method.apply(this, args.map(arg => redactDeep(arg)) as Parameters<typeof method>)
      },
    },
    serializers: {
      req: requestLogFields,
    },
  }
}
