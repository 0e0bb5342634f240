/** An error answered as RFC 9457 problem+json; `code` is the stable, machine-readable part. */
export interface FieldError {
  /** Where the bad value was: query, params, body, header. */
  in: string
  /** The field's name, e.g. `limit` or `summary.power.mean`. */
  name: string
  message: string
}

export interface ProblemInit {
  status: number
  code: string
  title: string
  detail: string
  errors?: FieldError[]
  headers?: Record<string, string>
  cause?: unknown
}

export class ProblemError extends Error {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly detail: string
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string>

  constructor (init: ProblemInit) {
    super(init.detail, { cause: init.cause })
    this.name = 'ProblemError'
    this.status = init.status
    this.code = init.code
    this.title = init.title
    this.detail = init.detail
    this.errors = init.errors
    this.headers = init.headers ?? {}
  }
}

export function problemType (code: string): string {
  return `urn:sweatstack-bff:problem:${code}`
}

export const notAuthenticated = (): ProblemError => new ProblemError({
  status: 401,
  code: 'not_authenticated',
  title: 'Not signed in',
  detail: 'No SweatStack session: send the browser to /auth/sweatstack/login to sign in.',
})

export const sessionExpired = (detail = 'The SweatStack session has ended: send the browser to /auth/sweatstack/login to sign in again.'): ProblemError => new ProblemError({
  status: 401,
  code: 'session_expired',
  title: 'Session expired',
  detail,
})
