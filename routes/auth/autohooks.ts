import type { FastifyInstance } from 'fastify'

/**
 * Rules of every /auth route, whatever spelling of its URL was used: rate limited per client address;
 * unsafe requests need the anti-forgery header (or, where the route says so, an allowed Origin); answers
 * are private to the browser.
 */
export default async function authRules (fastify: FastifyInstance) {
  fastify.addHook('onRequest', fastify.privateAnswers)
  fastify.addHook('onRequest', fastify.authRateLimit())
  fastify.addHook('onRequest', fastify.antiForgery('unsafe'))
}
