import type { FastifyInstance } from 'fastify'

/**
 * Rules of every /api route, whatever spelling of its URL was used: every request needs the
 * anti-forgery header (or, where the route says so, an allowed Origin) and a live session; answers are
 * private to the browser.
 */
export default async function apiRules (fastify: FastifyInstance) {
  fastify.addHook('onRequest', fastify.privateAnswers)
  fastify.addHook('onRequest', fastify.antiForgery('every'))
  fastify.addHook('onRequest', async (request) => { await request.sweatstack.identity() })
}
