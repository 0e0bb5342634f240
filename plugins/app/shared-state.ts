import fp from 'fastify-plugin'
import { MemoryState, RedisState } from '../../src/shared-state.ts'
import type { SharedState } from '../../src/shared-state.ts'

declare module 'fastify' {
  interface FastifyInstance {
    sharedState: SharedState
  }
}

/** What replicas share: through Redis when it is configured (several replicas), in-process otherwise. */
export default fp(async function sharedState (fastify) {
  const state: SharedState = fastify.redis === null ? new MemoryState() : new RedisState(fastify.redis, fastify.log)
  fastify.decorate('sharedState', state)
  fastify.addHook('onClose', async () => state.close())
  // So that a replica's first requests already count in Redis (rate limits, sign-outs).
  if (state instanceof RedisState && !(await state.connected(3000))) {
    fastify.log.warn('Redis did not answer within 3 s of start: serving with in-process state until it does')
  }
}, { name: 'shared-state' })
