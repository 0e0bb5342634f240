import { setTimeout as sleep } from 'node:timers/promises'
import { Pool, errors as undiciErrors } from 'undici'
import type { Dispatcher } from 'undici'
import { CircuitBreaker } from './circuit-breaker.ts'
import { ProblemError, sessionExpired } from './errors.ts'
import type { FieldError, ProblemCode } from './errors.ts'

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod
  /** SweatStack's own path, e.g. `/api/v1/activities/`. */
  path: string
  query?: URLSearchParams
  /** The access token to send as `Authorization: Bearer`. */
  token?: string
  requestId?: string
  headers?: Record<string, string>
  body?: Dispatcher.DispatchOptions['body']
  signal?: AbortSignal
  /** Overrides the usual bound on the wait between body chunks (long-lived streams). */
  bodyTimeoutMs?: number
  /** Epoch ms by which the whole call must be done: no retry waits past it. */
  deadlineAt?: number
}

export interface TokenResponse {
  access_token: string
  token_type?: string
  expires_in?: number
  refresh_token?: string | null
  scope?: string | null
}

export interface ClientOptions {
  baseUrl: string
  clientId: string
  clientSecret: string
  connectTimeoutMs: number
  timeoutMs: number
  userAgent: string
  retries: number
  circuitBreakerThreshold: number
  circuitBreakerCooldownMs: number
  /** Epoch ms, for the breaker's cool-down and Retry-After dates; defaults to Date.now. */
  now?: () => number
}

/** Calls that may be repeated without changing the outcome; POST never is (SweatStack has no idempotency keys). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE'])
const RETRY_STATUSES = new Set([429, 502, 503, 504])
const RETRY_BASE_MS = 100
/** A Retry-After longer than this is passed on to the caller instead of waited out. */
const RETRY_AFTER_CAP_MS = 2000

const MAX_ERROR_BODY_BYTES = 64 * 1024

/** SweatStack over one keep-alive pool: every upstream call of the BFF goes through here. */
export class SweatStackClient {
  readonly baseUrl: string
  readonly #pool: Pool
  readonly #basePath: string
  readonly #options: ClientOptions
  readonly breaker: CircuitBreaker

  constructor (options: ClientOptions) {
    const url = new URL(options.baseUrl)
    this.baseUrl = options.baseUrl
    this.#basePath = url.pathname.replace(/\/$/, '')
    this.#options = options
    this.breaker = new CircuitBreaker({ failureThreshold: options.circuitBreakerThreshold, cooldownMs: options.circuitBreakerCooldownMs, ...(options.now === undefined ? {} : { now: options.now }) })
    this.#pool = new Pool(url.origin, {
      connections: 128,
      connectTimeout: options.connectTimeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 30_000,
    })
  }

  /**
   * Sends a request; transport failures become 503/504 problems, any HTTP status is returned.
   * Idempotent calls with a replayable body are retried a bounded number of times, with jittered
   * backoff, after a refused or reset connection, 502/503/504 or 429 (honouring a short Retry-After).
   * While SweatStack keeps failing, the circuit breaker answers 503 at once.
   */
  async send (request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    this.breaker.check()
    const replayable = request.body === undefined || request.body === null || typeof request.body === 'string' || Buffer.isBuffer(request.body)
    const attempts = IDEMPOTENT.has(request.method) && replayable ? 1 + this.#options.retries : 1
    for (let attempt = 1; ; attempt++) {
      let response: Dispatcher.ResponseData
      try {
        response = await this.#sendOnce(request)
      } catch (error) {
        const problem = transportProblem(error)
        if (problem.code === 'client_closed_request') throw problem
        const wait = backoffMs(attempt)
        if (attempt < attempts && problem.code === 'upstream_unavailable' && fitsBefore(request.deadlineAt, wait)) {
          await this.#pause(wait, request.signal)
          continue
        }
        this.breaker.failure()
        throw problem
      }
      if (attempt < attempts && RETRY_STATUSES.has(response.statusCode)) {
        const wait = retryDelayMs(attempt, response.headers['retry-after'], this.#options.now?.() ?? Date.now())
        if (wait !== null && fitsBefore(request.deadlineAt, wait)) {
          discard(response.body)
          await this.#pause(wait, request.signal)
          continue
        }
      }
      if (response.statusCode >= 500) this.breaker.failure()
      else this.breaker.success()
      return response
    }
  }

  async #pause (ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await sleep(ms, undefined, signal === undefined ? undefined : { signal })
    } catch (error) {
      throw transportProblem(error)
    }
  }

  async #sendOnce (request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { 'user-agent': this.#options.userAgent, ...request.headers }
    if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`
    if (request.requestId !== undefined) headers['x-request-id'] = request.requestId
    const query = request.query?.toString()
    return this.#pool.request({
      method: request.method,
      path: this.#basePath + request.path + (query ? `?${query}` : ''),
      headers,
      body: request.body ?? null,
      signal: request.signal,
      ...(request.bodyTimeoutMs === undefined ? {} : { bodyTimeout: request.bodyTimeoutMs }),
    })
  }

  /** Sends a request and parses a 2xx JSON answer; any other status becomes a problem. */
  async json<T> (request: UpstreamRequest): Promise<T> {
    const response = await this.send(request)
    if (response.statusCode < 200 || response.statusCode >= 300) throw await upstreamProblem(response)
    try {
      return await response.body.json() as T
    } catch (error) {
      throw malformedUpstream(error)
    }
  }

  /**
   * Refreshes tokens at SweatStack's token endpoint. A refusal (any 4xx but 429) rejects with a
   * `session_expired` problem; a transport failure, 429 or 5xx with the usual 502/503/504 problem.
   */
  async refresh (refreshToken: string, requestId?: string): Promise<TokenResponse> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: this.#options.clientId,
      client_secret: this.#options.clientSecret,
    })
    const response = await this.send({
      method: 'POST',
      path: '/api/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      ...(requestId === undefined ? {} : { requestId }),
    })
    if (response.statusCode >= 200 && response.statusCode < 300) {
      let tokens: TokenResponse
      try {
        tokens = await response.body.json() as TokenResponse
      } catch (error) {
        throw malformedUpstream(error)
      }
      if (typeof tokens?.access_token !== 'string') throw malformedUpstream(new Error('no access_token in the token response'))
      return tokens
    }
    const text = await readLimited(response.body)
    // Any refusal ends the session, however SweatStack words it (OAuth's {"error": ...} or FastAPI's
    // {"detail": ...}); only a busy or failing SweatStack (429, 5xx) keeps it for another try.
    if (response.statusCode >= 400 && response.statusCode < 500 && response.statusCode !== 429) {
      throw sessionExpired(`it refused the refresh with ${response.statusCode}${refusalReason(text)}`)
    }
    return Promise.reject(problemFromStatus(response.statusCode, text, response.headers))
  }

  /** Connections to SweatStack and calls in flight or queued, for tests and diagnostics. */
  poolStats (): { connected: number, running: number, pending: number } {
    const { connected, running, pending } = this.#pool.stats
    return { connected, running, pending }
  }

  async close (): Promise<void> {
    await this.#pool.close()
  }
}

export function fitsBefore (deadlineAt: number | undefined, waitMs: number): boolean {
  return deadlineAt === undefined || Date.now() + waitMs < deadlineAt
}

/** Exponential backoff with ±25 % jitter: about 100 ms, 200 ms, 400 ms... */
export function backoffMs (attempt: number): number {
  return RETRY_BASE_MS * 2 ** (attempt - 1) * (0.75 + Math.random() / 2)
}

/** How long to wait before retrying a retryable status; null when Retry-After asks for longer than we wait. */
export function retryDelayMs (attempt: number, retryAfter: string | string[] | undefined, nowMs: number): number | null {
  if (typeof retryAfter !== 'string') return backoffMs(attempt)
  const seconds = Number(retryAfter)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - nowMs
  if (!Number.isFinite(ms)) return backoffMs(attempt)
  return ms <= RETRY_AFTER_CAP_MS ? Math.max(0, ms) : null
}

/** Maps SweatStack's non-2xx answer to the BFF's problem, keeping SweatStack's detail. */
export async function upstreamProblem (response: Dispatcher.ResponseData): Promise<ProblemError> {
  return problemFromStatus(response.statusCode, await readLimited(response.body), response.headers)
}

function problemFromStatus (status: number, text: string, headers: Dispatcher.ResponseData['headers']): ProblemError {
  const { detail, errors } = parseFastApiDetail(text)
  const retryAfter = headers['retry-after']
  const retryHeaders: Record<string, string> = typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : {}
  if (status >= 500) return new ProblemError('upstream_error', `SweatStack answered ${status}${detail ? `: ${detail}` : ''}. Try again later.`, { headers: retryHeaders })
  return new ProblemError(UPSTREAM_CODES[status] ?? 'upstream_client_error', detail || `SweatStack answered ${status} without a detail.`, {
    status,
    ...(errors === undefined ? {} : { errors }),
    headers: retryHeaders,
  })
}

/** SweatStack's own 4xx, under this server's codes; any other keeps its status as `upstream_client_error`. */
const UPSTREAM_CODES: Record<number, ProblemCode> = {
  400: 'upstream_bad_request',
  401: 'upstream_unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'upstream_validation_failed',
  429: 'rate_limited',
}

/** `: invalid_grant` or `: Invalid refresh token` from either shape of refusal, for the log and the problem's detail. */
function refusalReason (text: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return ''
  }
  const { error, detail } = (parsed ?? {}) as { error?: unknown, detail?: unknown }
  const reason = typeof error === 'string' ? error : typeof detail === 'string' ? detail : undefined
  return reason === undefined ? '' : `: ${reason.replace(/[^\w .:-]/g, '').slice(0, 80)}`
}

/** FastAPI errors are `{"detail": "text"}` or, for validation, `{"detail": [{loc, msg, type}]}`. */
export function parseFastApiDetail (text: string): { detail: string, errors?: FieldError[] } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { detail: text.trim().slice(0, 500) }
  }
  const detail = (parsed as { detail?: unknown } | null)?.detail
  if (typeof detail === 'string') return { detail }
  if (Array.isArray(detail)) {
    const errors: FieldError[] = detail.map((item: { loc?: unknown[], msg?: unknown }) => {
      const loc = Array.isArray(item?.loc) ? item.loc.map(String) : []
      return { in: loc[0] ?? 'unknown', name: loc.slice(1).join('.') || (loc[0] ?? 'unknown'), message: String(item?.msg ?? 'invalid') }
    })
    return { detail: errors.map(e => `${e.in} ${e.name}: ${e.message}`).join('; '), errors }
  }
  return { detail: '' }
}

/** Drops a body we will not read; destroying an unread undici body emits an error that would otherwise go unhandled. */
export function discard (body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {})
  body.destroy()
}

async function readLimited (body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length
      if (size > MAX_ERROR_BODY_BYTES) break
      chunks.push(chunk as Buffer)
    }
  } catch {
    // A broken error body still leaves the status to report.
  }
  discard(body)
  return Buffer.concat(chunks).toString('utf8')
}

function malformedUpstream (cause: unknown): ProblemError {
  return new ProblemError('upstream_malformed', 'SweatStack answered with a body that is not the JSON it should be. Try again later.', { cause })
}

export function transportProblem (error: unknown): ProblemError {
  if (error instanceof ProblemError) return error
  const code = (error as { code?: string })?.code
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError ||
    code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || (error as Error)?.name === 'TimeoutError') {
    return new ProblemError('upstream_timeout', 'SweatStack took too long to answer. Try again later.', { cause: error })
  }
  if (error instanceof undiciErrors.RequestAbortedError || code === 'UND_ERR_ABORTED' || (error as Error)?.name === 'AbortError') {
    return new ProblemError('client_closed_request', 'The client went away before SweatStack answered.', { cause: error })
  }
  return new ProblemError('upstream_unavailable', `Could not reach SweatStack (${code ?? 'connection failed'}). Try again shortly.`, { headers: { 'retry-after': '5' }, cause: error })
}
