import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

/** GET /health (the process is alive) and GET /ready (it can serve). Neither calls SweatStack. */
const health: FastifyPluginAsyncTypebox = async (fastify) => {
  const Status = Type.Object({ status: Type.String({ examples: ['ok'] }) })
  fastify.get('/health', {
    logLevel: 'warn',
    schema: { tags: ['health'], operationId: 'health', summary: 'Liveness', security: [], response: { 200: Status } },
  }, async () => ({ status: 'ok' }))

  fastify.get('/ready', {
    logLevel: 'warn',
    schema: { tags: ['health'], operationId: 'ready', summary: 'Readiness: the server is started and not shutting down', security: [], response: { 200: Status } },
  }, async () => ({ status: 'ready' }))
}

export default health
