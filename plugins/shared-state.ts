import fp from 'fastify-plugin'
import { MemoryState, RedisState } from '../src/shared-state.ts'
import type { SharedState } from '../src/shared-state.ts'

declare module 'fastify' {
  interface FastifyInstance {
    sharedState: SharedState
  }
}

/** Redis when REDIS_URL is set (several replicas), in-process otherwise. */
export default fp(async function sharedState (fastify) {
  const { redisUrl } = fastify.config
  const state: SharedState = redisUrl === undefined ? new MemoryState() : new RedisState(redisUrl, fastify.log)
  fastify.decorate('sharedState', state)
  fastify.addHook('onClose', async () => state.close())
  if (state instanceof RedisState && !(await state.connected(3000))) {
    fastify.log.warn('Redis did not answer within 3 s of start: serving with in-process state until it does')
  }
}, { name: 'shared-state' })
