import fp from 'fastify-plugin'
import { SweatStackClient } from '../../src/sweatstack-client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    sweatstack: SweatStackClient
  }
}

/** One SweatStack client (one keep-alive pool) for the whole process. */
export default fp(async function sweatstackClient (fastify) {
  const { config } = fastify
  const client = new SweatStackClient({
    baseUrl: config.sweatstackUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    timeoutMs: config.upstreamTimeoutMs,
    userAgent: 'sweatstack-bff/0.1',
    retries: config.upstreamRetries,
    circuitBreakerThreshold: config.circuitBreakerThreshold,
    circuitBreakerCooldownMs: config.circuitBreakerCooldownMs,
    now: fastify.now,
  })
  fastify.decorate('sweatstack', client)
  fastify.addHook('onClose', async () => client.close())
}, { name: 'sweatstack-client' })
