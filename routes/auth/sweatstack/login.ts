import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { safeRedirectTarget } from '../../../src/redirect-target.ts'
import { problemResponses, redirect } from '../../../src/schemas/problem.ts'

/** Longer return URLs fall back to the frontend's root, to keep the login cookie small. */
const MAX_NEXT_LENGTH = 600

/** GET /auth/sweatstack/login and /callback: signing in with SweatStack (authorization code with PKCE). */
const login: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config } = fastify
  const allowedOrigins = [config.appOrigin, ...config.frontendOrigins]
  const fallback = `${config.frontendOrigins[0]}/`

  fastify.get('/login', {
    schema: {
      tags: ['auth'],
      operationId: 'login',
      summary: 'Start signing in with SweatStack',
      description: 'Navigate the browser here (not fetch). Redirects to SweatStack\'s sign-in; afterwards the browser comes back to `next`. ' +
        '`next` must be on APP_URL or a FRONTEND_ORIGINS origin, otherwise the first frontend origin is used. Several tabs may sign in at once.',
      querystring: Type.Object({
        next: Type.Optional(Type.String({ description: 'Where to return after signing in: an absolute URL on an allowed origin (e.g. `http://localhost:5173/activities`), or a path on the first frontend origin. From Swagger UI\'s "Try it out", left empty: back to /docs.' })),
      }),
      security: [],
      response: { 302: redirect('To SweatStack\'s authorize page.'), ...problemResponses(429) },
    },
  }, async (request, reply) => {
    const next = safeRedirectTarget(request.query.next, allowedOrigins, fallback, MAX_NEXT_LENGTH)
    return reply.redirect(request.sweatstack.startSignIn(next), 302)
  })

  fastify.get('/callback', {
    schema: {
      tags: ['auth'],
      operationId: 'loginCallback',
      summary: 'SweatStack sends the browser back here',
      description: 'Register `APP_URL/auth/sweatstack/callback` as the redirect URI of your SweatStack app. On success: a fresh session and a redirect to `next`. ' +
        'On any failure: a redirect to the frontend with `auth_error=<code>` (`access_denied`, `invalid_state`, `missing_code`, `token_exchange_failed`, `sweatstack_unavailable`, `session_too_large`, ' +
        'or SweatStack\'s own error). When SweatStack answers `prompt=none` with `login_required` or `consent_required`, a redirect to SweatStack once more, without the prompt.',
      querystring: Type.Object({
        code: Type.Optional(Type.String({ description: 'The authorization code SweatStack issued, exchanged here for tokens (with the PKCE verifier and the client secret).' })),
        state: Type.Optional(Type.String({ description: 'The state this browser\'s sign-in was started with; anything else is refused (`invalid_state`).' })),
        error: Type.Optional(Type.String({ description: 'SweatStack\'s OAuth error, e.g. `access_denied` when the user declined.' })),
        error_description: Type.Optional(Type.String({ description: 'SweatStack\'s explanation of `error`; logged, never shown.' })),
      }),
      security: [],
      response: { 302: redirect('To `next`, or to the frontend with `auth_error`.'), ...problemResponses(429) },
    },
  }, async (request, reply) => reply.redirect(await request.sweatstack.finishSignIn(request.query, fallback), 302))
}

export default login
