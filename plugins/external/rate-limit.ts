import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { ProblemError } from '../../src/errors.ts'

/**
 * Rate limiting is opt-in per route group: /auth/* (routes/auth/autohooks.ts) and unknown URLs (the
 * not-found handler). Clients are told apart by address, which honours TRUST_PROXY. Several replicas
 * count together in Redis; if Redis fails, requests are let through rather than refused.
 */
export default fp(async function rateLimiting (fastify) {
  await fastify.register(rateLimit, {
    global: false,
    ...(fastify.redis === null ? {} : { redis: fastify.redis, skipOnError: true, nameSpace: 'sweatstack-bff:rate-limit:' }),
    errorResponseBuilder: (_request, context) => new ProblemError('rate_limited', `More than ${context.max} requests in ${context.after}; try again after that.`, {
      headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
    }),
  })
}, { name: 'rate-limit', dependencies: ['redis'] })
