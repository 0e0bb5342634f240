import type { FastifyInstance } from 'fastify'

/** Sign-in and sign-out are rate limited per client address. */
export default async function authHooks (fastify: FastifyInstance) {
  fastify.addHook('onRequest', fastify.rateLimit({ max: fastify.config.authRateLimitPerMinute, timeWindow: '1 minute' }))
}
