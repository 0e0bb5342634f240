import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { safeRedirectTarget } from '../../../src/redirect-target.ts'
import { problemResponses } from '../../../src/schemas/problem.ts'

/** POST /auth/sweatstack/logout: ends the session; harmless when there is none. */
const logout: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config } = fastify
  const allowedOrigins = [config.appOrigin, ...config.frontendOrigins]
  // A plain HTML form may post here too (`<form method="post" action=".../logout">`).
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))))

  fastify.post('/logout', {
    config: { csrf: 'origin' },
    schema: {
      tags: ['auth'],
      operationId: 'logout',
      summary: 'Sign out',
      description: 'Ends the session. From fetch (with `X-CSRF: 1`): 204. From an HTML form post (allowed Origin required; optional form field `next`): 303 to `next` or the frontend.',
      security: [{ csrf: [] }],
      response: { 204: { description: 'Signed out.' }, 303: { description: 'Signed out (form post); to `next`.' }, ...problemResponses(403, 429) },
    },
  }, async (request, reply) => {
    const userId = request.session.get('principal')?.userId
    request.session.delete()
    request.loginSession.delete()
    if (userId !== undefined) request.log.info({ userId }, 'signed out')
    reply.header('cache-control', 'no-store')
    if (request.headers['x-csrf'] !== '1') {
      const next = (request.body as { next?: unknown } | undefined)?.next
      return reply.redirect(safeRedirectTarget(typeof next === 'string' ? next : undefined, allowedOrigins, `${config.frontendOrigins[0]}/`), 303)
    }
    return reply.code(204).send()
  })
}

export default logout
