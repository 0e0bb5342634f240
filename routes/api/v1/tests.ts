import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['tests']

/** /api/v1/tests/...: physiological tests (thresholds, VO2max, critical power...). */
const tests: FastifyPluginAsync = async (fastify) => {
  // GET, POST /api/v1/tests/
  fastify.proxyRoute(op.listTests, { tags, summary: 'List tests, newest first' })
  fastify.proxyRoute(op.createTest, { tags, summary: 'Create a test' })
  // GET, PUT, DELETE /api/v1/tests/{test_id}
  fastify.proxyRoute(op.getTest, { tags, summary: 'One test, with its traces and overlapping activities', errors: [404] })
  fastify.proxyRoute(op.replaceTest, { tags, summary: 'Replace a test (every field; omitted ones are cleared)', errors: [404] })
  fastify.proxyRoute(op.deleteTest, { tags, summary: 'Delete a test', errors: [404] })
  // PUT, DELETE /api/v1/tests/{test_id}/app-metadata
  fastify.proxyRoute(op.putTestAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Set this app\'s metadata on a test (replaces it; 1 KB at most)', errors: [404, 413] })
  fastify.proxyRoute(op.deleteTestAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Remove this app\'s metadata from a test', errors: [404] })
}

export default tests
