import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError } from '../../../src/errors.ts'
import { API_SECURITY } from '../../../src/schemas/contract-schema.ts'
import { problemResponses, upstreamProblems } from '../../../src/schemas/problem.ts'

/** A segment of a pass-through path: what SweatStack's own paths and ids are made of. */
const SEGMENT = /^[A-Za-z0-9_-]{1,128}$/

/**
 * /api/v1/{path}, opt-in (SWEATSTACK_PASSTHROUGH=true): SweatStack paths the contract does not have yet
 * (SweatStack ships endpoints often), forwarded untyped with the same rules as the typed routes (this
 * group's anti-forgery and sign-in, the session's token, the error mapping). Typed routes always win;
 * SweatStack's OAuth endpoints are never reachable; no answer carrying a token is passed on.
 */
const passthrough: FastifyPluginAsync = async (fastify) => {
  if (!fastify.config.passthrough) return
  fastify.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    schema: {
      tags: ['bff'],
      operationId: 'passThrough',
      summary: 'Any other SweatStack path, untyped (opt-in)',
      description: 'Enabled by SWEATSTACK_PASSTHROUGH=true. Forwards a SweatStack path that has no typed route here, with its query and JSON body as they are, ' +
        'and passes the answer on as it comes. Each path segment must be letters, digits, `-` or `_`; `/api/v1/oauth/...` is never forwarded; ' +
        'a JSON answer carrying an OAuth token is refused (502 `token_in_answer`). Nothing is validated or documented beyond that: prefer the typed routes.',
      security: API_SECURITY,
      response: { '2XX': { description: 'SweatStack\'s answer, as it came.' }, ...problemResponses(...upstreamProblems, 404) },
    },
    handler: (request: FastifyRequest, reply: FastifyReply) => {
      // A trailing slash is part of SweatStack's collection paths (`/api/v1/traces/`); the router ignores it, so keep it here.
      const trailingSlash = (request.raw.url ?? '').split(/[?#]/)[0]!.endsWith('/')
      const inner = (request.params as { '*': string })['*'].split('/').filter((segment, i, all) => segment !== '' || i < all.length - 1)
      const rest = inner.join('/') + (trailingSlash ? '/' : '')
      if (inner.length === 0 || inner[0] === 'oauth' || !inner.every(segment => SEGMENT.test(segment))) {
        throw new ProblemError('route_not_found', `${request.method} /api/v1/${rest} is not a route of this server: pass-through paths are letters, digits, "-" and "_" segments, and never /api/v1/oauth/.`)
      }
      const bodyContentType = request.body === undefined ? undefined : 'application/json'
      return reply.forwardToSweatStack({ method: request.method, path: `/api/v1/${rest}`, ...(bodyContentType === undefined ? {} : { bodyContentType }) }, { untypedPath: `/api/v1/${rest}` })
    },
  })
}

export default passthrough
