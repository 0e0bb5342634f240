import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { safeRedirectTarget } from '../../../src/redirect-target.ts'
import { noContent, problemResponses, redirect } from '../../../src/schemas/problem.ts'

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
      description: 'Ends the session on the server: the cookie is cleared, and a copy of it taken earlier is refused from then on, on every replica; ' +
        'open event streams of the session close. SweatStack itself has no way to revoke the app\'s grant: that stays until the user disconnects the app at SweatStack. ' +
        'From fetch (with `X-CSRF: 1`): 204. From an HTML form post (allowed Origin required; optional form field `next`): 303 to `next` or the frontend.',
      security: [{ csrf: [] }],
      response: { 204: noContent('Signed out.'), 303: redirect('Signed out (form post); to `next`.'), ...problemResponses(403, 429) },
    },
  }, async (request, reply) => {
    const userId = await request.sweatstack.signOut()
    if (userId !== undefined) request.log.info({ userId }, 'signed out')
    if (request.headers['x-csrf'] !== '1') {
      const next = (request.body as { next?: unknown } | undefined)?.next
      return reply.redirect(safeRedirectTarget(typeof next === 'string' ? next : undefined, allowedOrigins, `${config.frontendOrigins[0]}/`), 303)
    }
    return reply.code(204).send()
  })

  fastify.post('/logout-everywhere', {
    schema: {
      tags: ['auth'],
      operationId: 'logoutEverywhere',
      summary: 'Sign out everywhere',
      description: 'Ends every session of the signed-in user, in every browser and on every replica (after a lost laptop, say), and this one too; ' +
        'their open event streams close. The app\'s grant at SweatStack stays until the user disconnects the app there.',
      security: [{ session: [], csrf: [] }],
      response: { 204: noContent('Every session of the user has ended.'), ...problemResponses(401, 403, 429) },
    },
  }, async (request, reply) => {
    const userId = await request.sweatstack.signOut({ everywhere: true })
    request.log.info({ userId }, 'signed out everywhere')
    return reply.code(204).send()
  })
}

export default logout
