import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import type { UpstreamRequest } from '../../../src/sweatstack-client.ts'
import { ProblemError, invalidField } from '../../../src/errors.ts'
import { parquetToColumns } from '../../../src/parquet-json.ts'
import { discard, transportProblem, upstreamProblem } from '../../../src/sweatstack-client.ts'
import { JSON_TYPES, NDJSON_TYPES, PARQUET, PARQUET_TYPES, encodeBody, insufficientScope, looksLikeWholeJson, malformed, toSearchParams, upstreamPath, wantsJson, withoutTokens } from '../../../src/upstream.ts'
import type { ForwardOptions, ForwardedOperation } from '../../../src/upstream.ts'

/** Upstream response headers worth passing on; cookies, hop-by-hop headers and caching rules (every answer is `no-store`) never are. */
const PASSED_HEADERS = ['content-type', 'content-length', 'content-disposition', 'etag', 'last-modified']

/** JSON answers are checked whole before they are passed on; none of SweatStack's comes near this. */
const MAX_JSON_BYTES = 32 * 1024 * 1024

/** Parquet converted to JSON is held in memory whole; beyond this, ask for Parquet instead. */
const MAX_PARQUET_FOR_JSON_BYTES = 64 * 1024 * 1024

/**
 * Calls SweatStack for the signed-in user with a contract operation and passes the answer on: 2xx
 * bodies stream through unchanged (Parquet converted to JSON columns when the caller asked for JSON),
 * a 401 gets one refresh and one retry, SweatStack's other errors become problems with its detail.
 * When the browser goes away, the upstream call is aborted.
 */
export async function forwardToSweatStack (request: FastifyRequest, reply: FastifyReply, operation: ForwardedOperation, options: ForwardOptions = {}): Promise<FastifyReply> {
  if (operation.bodyContentType === undefined && carriesBody(request)) throw invalidField('body', 'body', `${operation.method} ${operation.path} takes no body`)
  const isParquet = operation.contentType === PARQUET
  const asJson = isParquet && wantsJson(request.headers.accept)
  const body = options.rawBody?.body ?? encodeBody(operation.bodyContentType, request.body)
  const untyped = options.untypedPath !== undefined
  const headers: Record<string, string> = { accept: untyped ? 'application/json, */*;q=0.5' : isParquet ? PARQUET : (operation.contentType ?? 'application/json') }
  const contentType = options.rawBody?.contentType ?? (body === undefined ? undefined : operation.bodyContentType)
  if (contentType !== undefined) headers['content-type'] = contentType

  const isJson = !untyped && (operation.contentType ?? 'application/json') === 'application/json'
  // One controller per call, aborted when the browser goes away or (JSON answers, which are small and
  // must come whole) when the bound passes. Not AbortSignal.timeout/any: those keep a timer and a
  // composite signal alive for the whole bound after the call has ended, which under load held
  // hundreds of thousands of them and slowed every request (bench/README.md).
  const aborted = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) aborted.abort()
  })
  const timeoutMs = request.server.config.upstreamTimeoutMs
  const deadline = isJson ? setTimeout(() => aborted.abort(new DOMException('SweatStack took too long to answer', 'TimeoutError')), timeoutMs) : undefined
  try {
    return await forward(request, reply, operation, options, {
      method: operation.method as Dispatcher.HttpMethod,
      path: options.untypedPath ?? upstreamPath(operation.path, request.params),
      query: toSearchParams(request.query),
      requestId: request.id,
      headers,
      body,
      signal: aborted.signal,
      ...(deadline === undefined ? {} : { deadlineAt: Date.now() + timeoutMs }),
      ...(options.bodyTimeoutMs === undefined ? {} : { bodyTimeoutMs: options.bodyTimeoutMs }),
    }, { isParquet, asJson, isJson, untyped })
  } finally {
    clearTimeout(deadline)
  }
}

async function forward (request: FastifyRequest, reply: FastifyReply, operation: ForwardedOperation, options: ForwardOptions, upstream: Omit<UpstreamRequest, 'token'>, kind: { isParquet: boolean, asJson: boolean, isJson: boolean, untyped: boolean }): Promise<FastifyReply> {
  const client = request.server.sweatstack
  const session = request.sweatstack
  const { isParquet, asJson, isJson, untyped } = kind
  const as = options.as ?? 'active'
  let response = await client.send({ ...upstream, token: await session.accessToken({ as }) })
  // A streamed body cannot be sent twice; SweatStack's 401 then goes to the caller like any error.
  if (response.statusCode === 401 && options.rawBody === undefined) {
    discard(response.body)
    response = await client.send({ ...upstream, token: await session.accessToken({ as, forceRefresh: true }) })
    // Refused again with tokens fresh from SweatStack's own token endpoint: the grant is gone.
    if (response.statusCode === 401) {
      discard(response.body)
      return session.refused(as, 'it answered 401 to freshly refreshed tokens')
    }
  }
  if (response.statusCode === 403 && operation.requiredScope !== undefined && !session.grantedScopes(as).includes(operation.requiredScope)) {
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

function carriesBody (request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
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

/**
 * The whole body, refused beyond `limit` bytes. Read with the stream's events rather than `for await`:
 * the async iterator costs a promise per chunk and its own machinery, a measurable part of a proxied
 * call (bench/README.md).
 */
function readAtMost (body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    body.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        discard(body)
        reject(malformed(`SweatStack's answer is larger than the ${limit} bytes the BFF accepts.`))
        return
      }
      chunks.push(chunk)
    })
    // Most answers arrive in one chunk: passed on as it is, not copied.
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
    body.once('error', reject)
  })
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
  return new ProblemError('too_large_for_json', `This answer is ${bytes} or more bytes of Parquet; the BFF converts at most ${MAX_PARQUET_FOR_JSON_BYTES} bytes to JSON. Ask for Parquet (leave out Accept: application/json) to stream it.`)
}
