import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { overloaded } from '../src/errors.ts'
import { problemResponses } from '../src/schemas/problem.ts'

/** GET /health (the process is alive) and GET /ready (it can serve). Neither calls SweatStack. */
const health: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/health', {
    logLevel: 'warn',
    schema: {
      tags: ['health'],
      operationId: 'health',
      summary: 'Liveness',
      description: 'The process is up and answering; for a load balancer\'s or orchestrator\'s liveness probe. Calls nothing. ' +
        'Any origin may probe it (`Cross-Origin-Resource-Policy: cross-origin`): a frontend whose calls fail can then tell a BFF that is down ' +
        'from one that refuses its origin (`fetch(bff + \'/health\', { mode: \'no-cors\' })` succeeds only in the second case).',
      security: [],
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
  }, async (_request, reply) => {
    reply.header('cross-origin-resource-policy', 'cross-origin')
    return { status: 'ok' as const }
  })

  fastify.get('/ready', {
    logLevel: 'warn',
    schema: {
      tags: ['health'],
      operationId: 'ready',
      summary: 'Readiness: started, not shutting down, not overloaded',
      description: '`sweatstack` is `failing` while the circuit breaker is open; the replica stays ready, since every replica shares that fate.',
      security: [],
      response: {
        200: Type.Object({
          status: Type.Literal('ready'),
          sweatstack: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
          sharedState: Type.Union([Type.Literal('memory'), Type.Literal('redis'), Type.Literal('redis-unavailable')], { description: '`redis-unavailable`: REDIS_URL is set but Redis does not answer; this replica serves on with in-process state.' }),
        }),
        ...problemResponses(503),
      },
    },
  }, async () => {
    if (fastify.isOverloaded()) throw overloaded()
    return { status: 'ready' as const, sweatstack: fastify.sweatstack.breaker.isOpen ? 'failing' as const : 'ok' as const, sharedState: fastify.sharedState.status() }
  })
}

export default health
