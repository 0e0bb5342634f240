import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { RateLimitOptions } from '@fastify/rate-limit'
import type { onRequestHookHandler } from 'fastify'
import { ProblemError } from '../../src/errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** A new limiter of `authRateLimitPerMinute` requests per client address, as a hook (/auth, unknown URLs). */
    authRateLimit (): onRequestHookHandler
  }
}

const tooMany: RateLimitOptions['errorResponseBuilder'] = (_request, context) => new ProblemError('rate_limited', `More than ${context.max} requests in ${context.after}; try again after that.`, {
  headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
})

/**
 * Rate limiting is opt-in per route group: /auth/* (routes/auth/autohooks.ts) and unknown URLs (the
 * not-found handler). Clients are told apart by address, which honours TRUST_PROXY. Several replicas
 * count together in Redis; if Redis fails, requests are let through rather than refused. A host app
 * that registered @fastify/rate-limit already keeps its store; the limits and answers are still these.
 */
export default fp(async function rateLimiting (fastify) {
  await fastify.register(rateLimit, {
    global: false,
    ...(fastify.redis === null ? {} : { redis: fastify.redis, skipOnError: true, nameSpace: 'sweatstack-bff:rate-limit:' }),
    errorResponseBuilder: tooMany,
  })
  const { authRateLimitPerMinute } = fastify.config
  fastify.decorate('authRateLimit', () => fastify.rateLimit({ max: authRateLimitPerMinute, timeWindow: '1 minute', keyGenerator: request => request.ip, errorResponseBuilder: tooMany }))
}, { name: 'rate-limit', dependencies: ['redis'] })
