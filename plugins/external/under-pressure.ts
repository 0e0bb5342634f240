import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { overloaded } from '../../src/errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** True while this replica sheds load (always false when load shedding is off). */
    isOverloaded (): boolean
  }
}

/**
 * When the event loop lags (LOAD_SHEDDING_EVENT_LOOP_DELAY_MS), new requests get a quick 503 with
 * Retry-After instead of queueing behind work the process cannot finish in time. Health probes are
 * exempt: an overloaded replica is alive, and /ready says so.
 */
export default fp(async function loadShedding (fastify) {
  const maxEventLoopDelay = fastify.config.loadSheddingEventLoopDelayMs
  const probes = new Set([`${fastify.config.basePath}/health`, `${fastify.config.basePath}/ready`])
  if (maxEventLoopDelay === 0) {
    fastify.decorate('isOverloaded', () => false)
    return
  }
  await fastify.register(underPressure, {
    maxEventLoopDelay,
    sampleInterval: 100,
    retryAfter: 5,
    pressureHandler: (request, _reply, type, value) => {
      if (probes.has(request.routeOptions.url ?? '')) return
      if (!fastify.isOverloaded()) return
      request.log.warn({ type, value }, 'shedding load')
      throw overloaded()
    },
  })
  // A sampling window without any delay sample reads as an infinite delay: no data, not overload.
  fastify.decorate('isOverloaded', () => fastify.isUnderPressure() && Number.isFinite(fastify.memoryUsage().eventLoopDelay))
}, { name: 'under-pressure' })
