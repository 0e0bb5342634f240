import { Type } from 'typebox'
import { PROBLEM_CODES, PROBLEMS } from '../errors.ts'

export const Problem = Type.Object({
  type: Type.String({ description: 'A URI naming the kind of problem: `urn:sweatstack-bff:problem:<code>`.' }),
  title: Type.String({ description: 'A short, human-readable summary of the kind of problem.' }),
  status: Type.Integer({ description: 'The HTTP status code.' }),
  detail: Type.String({ description: 'What went wrong this time, and what to do about it.' }),
  code: Type.Enum(PROBLEM_CODES, {
    description: 'Stable, machine-readable code, one of the catalog in the README ("Errors"): ' +
      PROBLEM_CODES.map(code => `\`${code}\` (${PROBLEMS[code].status})`).join(', ') + '.',
  }),
  requestId: Type.String({ description: 'The request id, also in the `x-request-id` header; quote it when reporting a problem.' }),
  errors: Type.Optional(Type.Array(Type.Object({
    in: Type.String({ description: '`query`, `params`, `body` or `header`.' }),
    name: Type.String({ description: 'The field, e.g. `limit`.' }),
    message: Type.String(),
  }), { description: 'One entry per bad field, for invalid input.' })),
}, {
  $id: 'Problem',
  description: 'An RFC 9457 problem; every error of this API has this shape and the content type `application/problem+json`.',
  examples: [{
    type: 'urn:sweatstack-bff:problem:not_authenticated',
    title: 'Not signed in',
    status: 401,
    detail: 'No SweatStack session: send the browser to /auth/sweatstack/login to sign in.',
    code: 'not_authenticated',
    requestId: '6f1c2a0e-3c1b-4f7e-9a51-0b8f4f6e2d11',
  }],
})

const descriptions: Record<number, string> = {
  400: 'Invalid input: `errors` names each bad field.',
  401: 'Not signed in (`not_authenticated`) or the session ended (`session_expired`): send the browser to `/auth/sweatstack/login`.',
  403: 'Refused: missing `X-CSRF: 1` header, an origin that is not allowed, or SweatStack forbids it.',
  404: 'Not found.',
  422: 'SweatStack rejected the input; `errors` lists its reasons.',
  429: 'Too many requests; see `Retry-After`.',
  502: 'SweatStack failed or sent a malformed answer.',
  503: 'SweatStack is unreachable or this server is overloaded; see `Retry-After`.',
  504: 'SweatStack did not answer in time.',
}

/** An answer without a body (204). */
export function noContent (description: string) {
  return { description, type: 'null' }
}

/** A redirect: no body, the target in `Location`. */
export function redirect (description: string) {
  return { description, type: 'null', headers: { location: { type: 'string', description: 'Where the browser goes next.' } } }
}

/** OpenAPI responses for the given error statuses, all problem+json. */
export function problemResponses (...statuses: number[]) {
  return Object.fromEntries(statuses.map(status => [status, {
    description: descriptions[status] ?? 'An error.',
    content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
  }]))
}

/** What every route that calls SweatStack can answer besides its success. */
export const upstreamProblems = [400, 401, 403, 422, 429, 502, 503, 504]
