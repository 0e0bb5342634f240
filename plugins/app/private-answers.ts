import fp from 'fastify-plugin'
import type { onRequestHookHandler } from 'fastify'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of /api and /auth: answers there are one user's, never to be kept by a cache. */
    privateAnswers: onRequestHookHandler
  }
}

/** `Cache-Control: no-store` and `Vary: Cookie, Origin` on every answer of a route group, errors included. */
export default fp(async function privateAnswers (fastify) {
  fastify.decorate('privateAnswers', (_request, reply, done) => {
    reply.header('cache-control', 'no-store')
    reply.header('vary', 'Cookie, Origin')
    done()
  })
}, { name: 'private-answers' })
