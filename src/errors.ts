/**
 * The error catalog: every `code` this server answers with, its HTTP status and title, and what it
 * means for a frontend. Everything else derives from it: the problems thrown (ProblemError), the
 * `code` enum of the OpenAPI document, the typed client's error codes and the README's error table
 * (`npm run errors` writes the table; CI checks it is current).
 */
export const PROBLEMS = {
  invalid_request: { status: 400, title: 'Invalid request', description: 'A query parameter, path parameter, header or body field is wrong; `errors` names each.' },
  invalid_url: { status: 400, title: 'Invalid URL', description: 'The URL path is not valid percent-encoded UTF-8.' },
  invalid_upload: { status: 400, title: 'Unreadable upload', description: 'The multipart body of an upload could not be read.' },
  upstream_bad_request: { status: 400, title: 'SweatStack rejected the request', description: 'SweatStack answered 400; `detail` is its own.' },
  not_authenticated: { status: 401, title: 'Not signed in', description: 'No session: send the browser to `/auth/sweatstack/login`.' },
  session_expired: { status: 401, title: 'Session expired', description: 'The session ended (too old, unused too long, signed out, or refused by SweatStack): send the browser to `/auth/sweatstack/login`.' },
  upstream_unauthorized: { status: 401, title: 'SweatStack did not accept the session', description: 'SweatStack answered 401 to a streamed upload, which cannot be retried after a refresh; try again.' },
  bad_signature: { status: 401, title: 'Bad webhook signature', description: 'A webhook whose `X-Sweatstack-Signature` is missing, malformed, stale or wrong.' },
  csrf_header_missing: { status: 403, title: 'Missing anti-forgery header', description: 'Send `X-CSRF: 1` with every `/api` request and every POST to `/auth`.' },
  origin_not_allowed: { status: 403, title: 'Origin not allowed', description: 'An unsafe request from an origin not in `FRONTEND_ORIGINS`.' },
  insufficient_scope: { status: 403, title: 'Scope not granted', description: 'SweatStack refused a call needing a scope this session was not granted; `detail` names it and the `SWEATSTACK_SCOPES` to set.' },
  selection_ended: { status: 403, title: 'No longer allowed to act for this athlete', description: 'Coach mode ended because SweatStack no longer lets you act for the athlete; you are back on your own data.' },
  forbidden: { status: 403, title: 'Not allowed by SweatStack', description: 'SweatStack answered 403; `detail` is its own.' },
  route_not_found: { status: 404, title: 'No such route', description: 'Not a route of this server; `/docs` lists them.' },
  webhooks_not_configured: { status: 404, title: 'Webhooks are not set up', description: '`SWEATSTACK_WEBHOOK_SECRETS` is not set.' },
  not_found: { status: 404, title: 'Not found at SweatStack', description: 'SweatStack answered 404; `detail` is its own.' },
  conflict: { status: 409, title: 'Conflict at SweatStack', description: 'SweatStack answered 409; `detail` is its own.' },
  payload_too_large: { status: 413, title: 'Body too large', description: 'The request body is larger than this server or SweatStack takes.' },
  file_too_large: { status: 413, title: 'File too large', description: 'An uploaded file is larger than `UPLOAD_MAX_FILE_BYTES`.' },
  too_many_files: { status: 413, title: 'Too many files', description: 'More than ten files in one upload.' },
  too_large_for_json: { status: 413, title: 'Too large to convert to JSON', description: 'A Parquet answer too large to convert; ask for Parquet (no `Accept: application/json`).' },
  uri_too_long: { status: 414, title: 'URL too long', description: 'A segment of the URL path is longer than 200 characters.' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type', description: 'The body\'s content type is not one this route takes.' },
  upstream_validation_failed: { status: 422, title: 'SweatStack rejected the input', description: 'SweatStack answered 422; `errors` lists its reasons.' },
  upstream_client_error: { status: 400, title: 'SweatStack refused the request', description: 'SweatStack answered another 4xx, whose status this answer keeps; `detail` is its own.' },
  rate_limited: { status: 429, title: 'Too many requests', description: 'This server\'s `/auth` limit, or SweatStack\'s; wait `Retry-After` seconds.' },
  client_closed_request: { status: 499, title: 'Request aborted', description: 'The browser went away before SweatStack answered (only ever logged).' },
  internal_error: { status: 500, title: 'Internal error', description: 'A bug in this server; `requestId` finds it in the logs.' },
  session_too_large: { status: 500, title: 'Session too large', description: 'SweatStack\'s tokens would not fit in a browser cookie.' },
  upstream_error: { status: 502, title: 'SweatStack failed', description: 'SweatStack answered 5xx; try again later.' },
  upstream_malformed: { status: 502, title: 'SweatStack sent a malformed answer', description: 'An answer that is not what it should be (not JSON, cut short, the wrong content type).' },
  token_in_answer: { status: 502, title: 'SweatStack answered with a token', description: 'A pass-through answer carried an OAuth token, which never reaches the browser.' },
  upstream_unavailable: { status: 503, title: 'SweatStack is unreachable', description: 'SweatStack cannot be reached, keeps failing (circuit open), or a refresh is still under way; wait `Retry-After` seconds.' },
  overloaded: { status: 503, title: 'Server busy', description: 'This server is too busy right now; wait `Retry-After` seconds.' },
  upstream_timeout: { status: 504, title: 'SweatStack did not answer in time', description: 'No answer within `UPSTREAM_TIMEOUT_MS`.' },
} as const satisfies Record<string, { status: number, title: string, description: string }>

export type ProblemCode = keyof typeof PROBLEMS

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[]

/** Where a bad value was, and what was wrong with it. */
export interface FieldError {
  /** `query`, `params`, `body` or `header`. */
  in: string
  /** The field's name, e.g. `limit` or `summary.power.mean`. */
  name: string
  message: string
}

export interface ProblemOptions {
  /** Only for the codes that keep another server's status (`upstream_client_error`, `invalid_request`). */
  status?: number
  errors?: FieldError[]
  headers?: Record<string, string>
  cause?: unknown
}

/** An error answered as RFC 9457 problem+json: a catalog code, and this occurrence's detail. */
export class ProblemError extends Error {
  readonly code: ProblemCode
  readonly status: number
  readonly title: string
  readonly detail: string
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string>

  constructor (code: ProblemCode, detail: string, options: ProblemOptions = {}) {
    super(detail, { cause: options.cause })
    this.name = 'ProblemError'
    this.code = code
    this.status = options.status ?? PROBLEMS[code].status
    this.title = PROBLEMS[code].title
    this.detail = detail
    this.errors = options.errors
    this.headers = options.headers ?? {}
  }
}

export function problemType (code: string): string {
  return `urn:sweatstack-bff:problem:${code}`
}

/** A 400 naming one bad field. */
export function invalidField (where: string, name: string, message: string): ProblemError {
  return new ProblemError('invalid_request', `${where} ${name}: ${message}`, { errors: [{ in: where, name, message }] })
}

/** `basePath`: where the BFF's routes are mounted ('' standalone, the plugin's prefix in a host app). */
export const notAuthenticated = (basePath = ''): ProblemError => new ProblemError('not_authenticated', `No SweatStack session: send the browser to ${basePath}/auth/sweatstack/login to sign in.`)

export const sessionExpired = (detail = 'The SweatStack session has ended: send the browser to /auth/sweatstack/login to sign in again.'): ProblemError => new ProblemError('session_expired', detail)

export const overloaded = (): ProblemError => new ProblemError('overloaded', 'This server is too busy to take the request right now; try again in a few seconds.', { headers: { 'retry-after': '5' } })
