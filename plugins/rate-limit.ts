import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { ProblemError } from '../src/problem.ts'

/**
 * Rate limiting is opt-in per route group: /auth/* (routes/auth/autohooks.ts) and unknown URLs
 * (plugins/errors.ts). Clients are told apart by address, which honours TRUST_PROXY.
 */
export default fp(async function rateLimiting (fastify) {
  await fastify.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new ProblemError({
      status: 429,
      code: 'rate_limited',
      title: 'Too many requests',
      detail: `More than ${context.max} requests in ${context.after}; try again after that.`,
      headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
    }),
  })
}, { name: 'rate-limit' })
