import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import { parquetToColumns } from './parquet-json.ts'
import { ProblemError } from './problem.ts'
import { discard, transportProblem, upstreamProblem } from './sweatstack-client.ts'

export const PARQUET = 'application/vnd.apache.parquet'

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

/** Upstream response headers worth passing on; cookies, hop-by-hop headers and caching rules (every answer is `no-store`) never are. */
const PASSED_HEADERS = ['content-type', 'content-length', 'content-disposition', 'etag', 'last-modified']

/** What a streamed answer may be: SweatStack's Parquet type is not documented; NDJSON may come as JSON or text. */
const PARQUET_TYPES = /^application\/(?:vnd\.apache\.parquet|x-parquet|octet-stream)\b/i
const NDJSON_TYPES = /^(?:application\/(?:x-ndjson|(?:[\w.+-]+\+)?json)|text\/plain)\b/i
const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json\b/i
/** Fields that hold a token: an untyped answer carrying one is never passed on to the browser. */
const TOKEN_FIELDS = new Set(['access_token', 'refresh_token', 'id_token'])

/** JSON answers are checked whole before they are passed on; none of SweatStack's comes near this. */
const MAX_JSON_BYTES = 32 * 1024 * 1024

/** Parquet converted to JSON is held in memory whole; beyond this, ask for Parquet instead. */
const MAX_PARQUET_FOR_JSON_BYTES = 64 * 1024 * 1024

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
const PATH_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/

/**
 * `/api/v1/activities/{activity_id}` with the request's parameters. The route schemas already allow
 * nothing else; this refuses any value that could add, remove or change a segment of SweatStack's path
 * anyway, so a route whose schema forgot the pattern cannot steer the call elsewhere.
 */
export function upstreamPath (template: string, params: unknown): string {
  const values = (params ?? {}) as Record<string, unknown>
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = String(values[name])
    if (!PATH_SEGMENT.test(value)) {
      throw new ProblemError({
        status: 400,
        code: 'invalid_request',
        title: 'Invalid request',
        detail: `params ${name}: must be a SweatStack id (letters, digits, "-" and "_")`,
        errors: [{ in: 'params', name, message: 'must be a SweatStack id (letters, digits, "-" and "_")' }],
      })
    }
    return value
  })
}

/** Whether the caller asked for JSON rather than Parquet (`Accept: application/json`). */
export function wantsJson (accept: string | undefined): boolean {
  if (accept === undefined) return false
  const types = accept.split(',').map(part => part.split(';')[0]!.trim().toLowerCase())
  return types.includes('application/json') && !types.includes(PARQUET)
}

function carriesBody (request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
}

function encodeBody (contentType: string | undefined, body: unknown): string | undefined {
  if (body === undefined) return undefined
  if (contentType === 'application/x-www-form-urlencoded') return toSearchParams(body).toString()
  return JSON.stringify(body)
}

/**
 * Calls SweatStack for the signed-in user with a contract operation and passes the answer on: 2xx
 * bodies stream through unchanged (Parquet converted to JSON columns when the caller asked for JSON),
 * a 401 gets one refresh and one retry, SweatStack's other errors become problems with its detail.
 * When the browser goes away, the upstream call is aborted.
 */
export async function forwardToSweatStack (request: FastifyRequest, reply: FastifyReply, operation: ForwardedOperation, options: ForwardOptions = {}): Promise<FastifyReply> {
  if (operation.bodyContentType === undefined && carriesBody(request)) {
    throw new ProblemError({
      status: 400,
      code: 'invalid_request',
      title: 'Invalid request',
      detail: `body: ${operation.method} ${operation.path} takes no body`,
      errors: [{ in: 'body', name: 'body', message: 'this operation takes no body' }],
    })
  }
  const client = request.server.sweatstack
  const isParquet = operation.contentType === PARQUET
  const asJson = isParquet && wantsJson(request.headers.accept)
  const body = options.rawBody?.body ?? encodeBody(operation.bodyContentType, request.body)
  const untyped = options.untypedPath !== undefined
  const headers: Record<string, string> = { accept: untyped ? 'application/json, */*;q=0.5' : isParquet ? PARQUET : (operation.contentType ?? 'application/json') }
  const contentType = options.rawBody?.contentType ?? (body === undefined ? undefined : operation.bodyContentType)
  if (contentType !== undefined) headers['content-type'] = contentType

  const isJson = !untyped && (operation.contentType ?? 'application/json') === 'application/json'
  const aborted = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) aborted.abort()
  })
  // A JSON answer is small and must come whole within the bound; streams are bounded by their idle time only.
  const timeoutMs = request.server.config.upstreamTimeoutMs
  const deadline = isJson ? AbortSignal.timeout(timeoutMs) : undefined
  const upstream = {
    method: operation.method as Dispatcher.HttpMethod,
    path: options.untypedPath ?? upstreamPath(operation.path, request.params),
    query: toSearchParams(request.query),
    requestId: request.id,
    headers,
    body,
    signal: deadline === undefined ? aborted.signal : AbortSignal.any([aborted.signal, deadline]),
    ...(deadline === undefined ? {} : { deadlineAt: Date.now() + timeoutMs }),
    ...(options.bodyTimeoutMs === undefined ? {} : { bodyTimeoutMs: options.bodyTimeoutMs }),
  }
  const as = options.as ?? 'active'
  let response = await client.send({ ...upstream, token: await request.accessToken({ as }) })
  // A streamed body cannot be sent twice; SweatStack's 401 then goes to the caller like any error.
  if (response.statusCode === 401 && options.rawBody === undefined) {
    discard(response.body)
    response = await client.send({ ...upstream, token: await request.accessToken({ as, forceRefresh: true }) })
    // Refused again with tokens fresh from SweatStack's own token endpoint: the grant is gone.
    if (response.statusCode === 401) {
      discard(response.body)
      return request.refusedBySweatStack(as, 'it answered 401 to freshly refreshed tokens')
    }
  }
  if (response.statusCode === 403 && operation.requiredScope !== undefined && !request.grantedScopes(as).includes(operation.requiredScope)) {
    discard(response.body)
    throw insufficientScope(operation.requiredScope, request.server.config.scopes)
  }
  if (response.statusCode < 200 || response.statusCode >= 300) throw await upstreamProblem(response)

  if (asJson) return reply.code(response.statusCode).send(await parquetAsJson(response))
  if (response.statusCode === 204) {
    discard(response.body)
    return reply.code(204).send()
  }
  for (const name of PASSED_HEADERS) {
    const value = response.headers[name]
    if (value !== undefined) reply.header(name, value)
  }
  if (isJson) return reply.code(response.statusCode).send(await wholeJson(response))
  const type = String(response.headers['content-type'] ?? '')
  if (untyped) return reply.code(response.statusCode).send(JSON_TYPES.test(type) ? withoutTokens(await wholeJson(response)) : response.body)
  if (!(isParquet ? PARQUET_TYPES : NDJSON_TYPES).test(type)) {
    discard(response.body)
    throw malformed(`SweatStack answered ${type || 'without a content type'} where ${operation.contentType} was expected.`)
  }
  return reply.code(response.statusCode).send(response.body)
}

/**
 * A JSON answer, read whole (within MAX_JSON_BYTES) and checked before anything is sent, so a broken
 * or non-JSON answer from SweatStack is a clear 502 rather than a 200 the frontend cannot parse.
 * The bytes are passed on as they came: nothing is re-serialized or dropped.
 */
async function wholeJson (response: Dispatcher.ResponseData): Promise<Buffer> {
  const type = String(response.headers['content-type'] ?? '')
  if (!JSON_TYPES.test(type)) {
    discard(response.body)
    throw malformed(`SweatStack answered ${type || 'without a content type'} where JSON was expected.`)
  }
  let body: Buffer
  try {
    body = await readAtMost(response.body, MAX_JSON_BYTES)
  } catch (error) {
    if (error instanceof ProblemError) throw error
    throw transportProblem(error)
  }
  if (!looksLikeWholeJson(body)) throw malformed('SweatStack\'s answer is not valid JSON.')
  return body
}

/** An untyped JSON answer, refused (502) when it carries a token anywhere: tokens never reach the browser. */
function withoutTokens (body: Buffer): Buffer {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch (error) {
    throw malformed('SweatStack\'s answer is not valid JSON.', error)
  }
  const carriesToken = (value: unknown): boolean => value !== null && typeof value === 'object' &&
    Object.entries(value).some(([key, inner]) => TOKEN_FIELDS.has(key) || carriesToken(inner))
  let tokenFound: boolean
  try {
    tokenFound = carriesToken(parsed)
  } catch (error) {
    throw malformed('SweatStack\'s answer nests too deeply to check.', error)
  }
  if (tokenFound) {
    throw new ProblemError({ status: 502, code: 'token_in_answer', title: 'SweatStack answered with a token', detail: 'This answer carries an OAuth token, and the BFF never passes tokens to the browser.' })
  }
  return body
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

async function readAtMost (body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Buffer).length
    if (size > limit) {
      discard(body)
      throw malformed(`SweatStack's answer is larger than the ${limit} bytes the BFF accepts.`)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** SweatStack's 403 for a scope this session was never granted: say which, and which setting asks for it. */
function insufficientScope (scope: string, requested: readonly string[]): ProblemError {
  const wanted = [...new Set([...requested, scope])].join(' ')
  return new ProblemError({
    status: 403,
    code: 'insufficient_scope',
    title: 'Scope not granted',
    detail: `This needs the ${scope} scope, which this session was not granted. Set SWEATSTACK_SCOPES="${wanted}" on the BFF and sign in again.`,
  })
}

function malformed (detail: string, cause?: unknown): ProblemError {
  return new ProblemError({ status: 502, code: 'upstream_malformed', title: 'SweatStack sent a malformed answer', detail, cause })
}

async function parquetAsJson (response: Dispatcher.ResponseData) {
  const declared = Number(response.headers['content-length'] ?? 0)
  if (declared > MAX_PARQUET_FOR_JSON_BYTES) {
    discard(response.body)
    throw tooLargeForJson(declared)
  }
  let file: Buffer
  try {
    file = await readAtMost(response.body, MAX_PARQUET_FOR_JSON_BYTES)
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'upstream_malformed') throw tooLargeForJson(MAX_PARQUET_FOR_JSON_BYTES)
    throw transportProblem(error)
  }
  try {
    return await parquetToColumns(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer)
  } catch (error) {
    throw malformed('SweatStack\'s Parquet could not be read, so it cannot be converted to JSON. Ask for Parquet (no Accept: application/json) to get it as it is.', error)
  }
}

function tooLargeForJson (bytes: number): ProblemError {
  return new ProblemError({
    status: 413,
    code: 'too_large_for_json',
    title: 'Too large to convert to JSON',
    detail: `This answer is ${bytes} or more bytes of Parquet; the BFF converts at most ${MAX_PARQUET_FOR_JSON_BYTES} bytes to JSON. Ask for Parquet (leave out Accept: application/json) to stream it.`,
  })
}
