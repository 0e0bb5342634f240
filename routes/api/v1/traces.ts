import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['traces']

/** /api/v1/traces/...: single measurements (lactate, RPE, power, heart rate...) at a moment. */
const traces: FastifyPluginAsync = async (fastify) => {
  // GET, POST /api/v1/traces/
  fastify.proxyRoute(op.listTraces, { tags, summary: 'List traces, newest first' })
  fastify.proxyRoute(op.createTrace, { tags, summary: 'Create a trace', errors: [404] })
  // PUT, DELETE /api/v1/traces/{trace_id}
  fastify.proxyRoute(op.replaceTrace, { tags, summary: 'Replace a trace (every field; omitted ones are cleared)', errors: [404] })
  fastify.proxyRoute(op.deleteTrace, { tags, summary: 'Delete a trace', errors: [404] })
  // PUT, DELETE /api/v1/traces/{trace_id}/app-metadata
  fastify.proxyRoute(op.putTraceAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Set this app\'s metadata on a trace (replaces it; 1 KB at most)', errors: [404, 413] })
  fastify.proxyRoute(op.deleteTraceAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Remove this app\'s metadata from a trace', errors: [404] })
}

export default traces
