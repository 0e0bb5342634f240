import fp from 'fastify-plugin'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import { ProblemError } from '../../src/errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `origin`: an allowed Origin stands in for `X-CSRF` (sign-out form posts, EventSource, which cannot send headers). */
    csrf?: 'origin'
  }
  interface FastifyInstance {
    /**
     * The anti-forgery check as an onRequest hook for a route group (routes/api/autohooks.ts,
     * routes/auth/autohooks.ts): `every` request of the group, or only its `unsafe` ones.
     */
    antiForgery (which: 'every' | 'unsafe'): onRequestHookHandler
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Duende's rule: a request must carry `X-CSRF: 1`. A custom header cannot be sent cross-origin without a
 * CORS preflight, which only FRONTEND_ORIGINS pass, and a plain form or link cannot send it at all.
 * Unsafe requests must also come from an allowed Origin. Route groups add the check as a hook, so it
 * follows the route the router matched, whatever spelling of its URL the request used.
 */
export default fp(async function csrf (fastify) {
  const allowedOrigins = new Set([fastify.config.appOrigin, ...fastify.config.frontendOrigins])

  function check (request: FastifyRequest): void {
    const unsafe = !SAFE_METHODS.has(request.method)
    const origin = request.headers.origin
    if (unsafe && origin !== undefined && !allowedOrigins.has(origin)) {
      throw new ProblemError('origin_not_allowed', `Requests from ${origin} are not accepted; add it to FRONTEND_ORIGINS if it is your frontend.`)
    }
    if (request.headers['x-csrf'] === '1') return
    if (request.routeOptions.config.csrf === 'origin' && origin !== undefined && allowedOrigins.has(origin)) return
    throw new ProblemError('csrf_header_missing', 'Send the header "X-CSRF: 1" with every /api request and every POST to /auth (fetch(url, { credentials: \'include\', headers: { \'X-CSRF\': \'1\' } })).')
  }

  fastify.decorate('antiForgery', (which: 'every' | 'unsafe'): onRequestHookHandler => (request, _reply, done) => {
    if (which === 'unsafe' && SAFE_METHODS.has(request.method)) return done()
    try {
      check(request)
    } catch (error) {
      return done(error as ProblemError)
    }
    done()
  })
}, { name: 'anti-forgery' })
