import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { ProblemError } from '../src/problem.ts'
import { RedisState } from '../src/shared-state.ts'

/**
 * Rate limiting is opt-in per route group: /auth/* (routes/auth/autohooks.ts) and unknown URLs
 * (plugins/errors.ts). Clients are told apart by address, which honours TRUST_PROXY.
 */
export default fp(async function rateLimiting (fastify) {
  const { sharedState } = fastify
  await fastify.register(rateLimit, {
    global: false,
    // Several replicas count together in Redis; if Redis fails, requests are let through rather than refused.
    ...(sharedState instanceof RedisState ? { redis: sharedState.client, skipOnError: true, nameSpace: 'sweatstack-bff:rate-limit:' } : {}),
    errorResponseBuilder: (_request, context) => new ProblemError({
      status: 429,
      code: 'rate_limited',
      title: 'Too many requests',
      detail: `More than ${context.max} requests in ${context.after}; try again after that.`,
      headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
    }),
  })
}, { name: 'rate-limit', dependencies: ['shared-state'] })
