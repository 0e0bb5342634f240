import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'

declare module 'fastify' {
  interface FastifyInstance {
    /** The connection to Redis when REDIS_URL is set (several replicas), else null. */
    redis: Redis | null
  }
}

/**
 * Redis, when REDIS_URL is set. Waits are bounded: commands fail fast while Redis is down (callers
 * then fall back to in-process state), and the connection keeps retrying in the background.
 */
export default fp(async function redis (fastify) {
  const url = fastify.config.redisUrl
  if (url === undefined) {
    fastify.decorate('redis', null)
    return
  }
  // Loaded only when used: one replica without Redis does not hold ioredis (~8 MB) in memory.
  const { Redis } = await import('ioredis')
  const client = new Redis(url, { lazyConnect: false, connectTimeout: 2000, commandTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (times: number) => Math.min(times * 200, 2000) })
  fastify.decorate('redis', client)
  fastify.addHook('onClose', async () => { client.disconnect() })
}, { name: 'redis' })
