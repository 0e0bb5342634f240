import fp from 'fastify-plugin'
import { ParquetColumns } from '../src/contract-route.ts'
import { components } from '../src/schemas/sweatstack.generated.ts'

/** SweatStack's models (from openapi/sweatstack.json), registered once so routes can `$ref` them. */
export default fp(async function contract (fastify) {
  for (const schema of components) fastify.addSchema(schema)
  fastify.addSchema(ParquetColumns)
}, { name: 'contract' })
