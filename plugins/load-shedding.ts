import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { ProblemError } from '../src/problem.ts'

/**
 * When the event loop lags (LOAD_SHEDDING_EVENT_LOOP_DELAY_MS), new requests get a quick 503 with
 * Retry-After instead of queueing behind work the process cannot finish in time. Health probes are
 * exempt: an overloaded replica is alive, and /ready says so.
 */
export default fp(async function loadShedding (fastify) {
  const maxEventLoopDelay = fastify.config.loadSheddingEventLoopDelayMs
  if (maxEventLoopDelay === 0) return
  await fastify.register(underPressure, {
    maxEventLoopDelay,
    sampleInterval: 100,
    retryAfter: 5,
    pressureHandler: (request, _reply, type, value) => {
      if (request.url === '/health' || request.url === '/ready') return
      // A sampling window without any delay sample reads as an infinite delay: no data, not overload.
      if (typeof value === 'number' && !Number.isFinite(value)) return
      request.log.warn({ type, value }, 'shedding load')
      throw new ProblemError({
        status: 503,
        code: 'overloaded',
        title: 'Server busy',
        detail: 'This server is too busy to take the request right now; try again in a few seconds.',
        headers: { 'retry-after': '5' },
      })
    },
  })
}, { name: 'load-shedding', dependencies: ['errors'] })
