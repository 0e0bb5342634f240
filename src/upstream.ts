// What forwarding a call to SweatStack needs besides Fastify: the shape of an operation, SweatStack's
// path and query for it, and the checks made on what SweatStack answers.
import type { Dispatcher } from 'undici'
import { ProblemError, invalidField } from './errors.ts'

export const PARQUET = 'application/vnd.apache.parquet'

/** What a streamed answer may be: SweatStack's Parquet type is not documented; NDJSON may come as JSON or text. */
export const PARQUET_TYPES = /^application\/(?:vnd\.apache\.parquet|x-parquet|octet-stream)\b/i
export const NDJSON_TYPES = /^(?:application\/(?:x-ndjson|(?:[\w.+-]+\+)?json)|text\/plain)\b/i
export const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json\b/i

/** The parts of a contract operation (src/schemas/sweatstack.generated.ts) that forwarding needs. */
export interface ForwardedOperation {
  method: string
  /** SweatStack's path template, e.g. `/api/v1/activities/{activity_id}`. */
  path: string
  bodyContentType?: string
  contentType?: string
  /** The scope SweatStack requires for it, when known. */
  requiredScope?: string
}

export interface ForwardOptions {
  /** Whose token: the selected athlete's in coach mode (default), or the signed-in user's own. */
  as?: 'active' | 'principal'
  /** A body to send as it is (a stream, for uploads), with its content type. */
  rawBody?: { body: Dispatcher.DispatchOptions['body'], contentType: string }
  /** Streams that SweatStack keeps open (NDJSON) get this much time between chunks instead of the usual bound. */
  bodyTimeoutMs?: number
  /**
   * An operation the contract does not have (the opt-in pass-through): SweatStack's path, already
   * checked segment by segment. Any answer type is passed on, but never a JSON answer carrying a token.
   */
  untypedPath?: string
}

/** Query values as SweatStack wants them: arrays as repeated parameters (`?sport=a&sport=b`). */
export function toSearchParams (query: unknown = {}): URLSearchParams {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    if (value === undefined || value === null) continue
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item))
  }
  return params
}

/** What a path parameter may be: one whole segment, never `.`, `..`, a separator or an escape. */
export const PATH_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/

/**
 * `/api/v1/activities/{activity_id}` with the request's parameters. The route schemas already allow
 * nothing else; this refuses any value that could add, remove or change a segment of SweatStack's path
 * anyway, so a route whose schema forgot the pattern cannot steer the call elsewhere.
 */
export function upstreamPath (template: string, params: unknown): string {
  const values = (params ?? {}) as Record<string, unknown>
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = String(values[name])
    if (!PATH_SEGMENT.test(value)) throw invalidField('params', name, 'must be a SweatStack id (letters, digits, "-" and "_")')
    return value
  })
}

/** Whether the caller asked for JSON rather than Parquet (`Accept: application/json`). */
export function wantsJson (accept: string | undefined): boolean {
  if (accept === undefined) return false
  const types = accept.split(',').map(part => part.split(';')[0]!.trim().toLowerCase())
  return types.includes('application/json') && !types.includes(PARQUET)
}

/** A request body as SweatStack takes it: JSON, or a form. */
export function encodeBody (contentType: string | undefined, body: unknown): string | undefined {
  if (body === undefined) return undefined
  if (contentType === 'application/x-www-form-urlencoded') return toSearchParams(body).toString()
  return JSON.stringify(body)
}

const OPENERS: Record<number, number> = { 0x7b: 0x7d, 0x5b: 0x5d, 0x22: 0x22 } // { } [ ] " "
const LITERALS = ['null', 'true', 'false']

/**
 * A cheap check, instead of parsing every answer (parsing cost a fifth of the BFF's CPU): a cut-off
 * connection is already an error, so what is left to catch is a body that is not JSON at all (an HTML
 * error page, a half-written document): it must open and close as a JSON value does.
 */
export function looksLikeWholeJson (body: Buffer): boolean {
  let start = 0
  let end = body.length - 1
  while (start <= end && isBlank(body[start]!)) start++
  while (end >= start && isBlank(body[end]!)) end--
  if (start > end) return false
  const first = body[start]!
  const closer = OPENERS[first]
  if (closer !== undefined) return end > start && body[end] === closer
  const text = body.toString('latin1', start, end + 1)
  return LITERALS.includes(text) || /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)
}

function isBlank (byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

/** Fields that hold a token: an untyped answer carrying one is never passed on to the browser. */
const TOKEN_FIELDS = new Set(['access_token', 'refresh_token', 'id_token'])

/** An untyped JSON answer, refused (502) when it carries a token anywhere: tokens never reach the browser. */
export function withoutTokens (body: Buffer): Buffer {
  let tokenFound: boolean
  try {
    const carriesToken = (value: unknown): boolean => value !== null && typeof value === 'object' &&
      Object.entries(value).some(([key, inner]) => TOKEN_FIELDS.has(key) || carriesToken(inner))
    tokenFound = carriesToken(JSON.parse(body.toString('utf8')))
  } catch (error) {
    throw malformed('SweatStack\'s answer is not JSON the BFF can check.', error)
  }
  if (tokenFound) throw new ProblemError('token_in_answer', 'This answer carries an OAuth token, and the BFF never passes tokens to the browser.')
  return body
}

export function malformed (detail: string, cause?: unknown): ProblemError {
  return new ProblemError('upstream_malformed', detail, { cause })
}

/** SweatStack's 403 for a scope this session was never granted: say which, and which setting asks for it. */
export function insufficientScope (scope: string, requested: readonly string[]): ProblemError {
  const wanted = [...new Set([...requested, scope])].join(' ')
  return new ProblemError('insufficient_scope', `This needs the ${scope} scope, which this session was not granted. Set SWEATSTACK_SCOPES="${wanted}" on the BFF and sign in again.`)
}
