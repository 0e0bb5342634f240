import fp from 'fastify-plugin'
import { ParquetColumns } from '../../src/schemas/contract-schema.ts'
import { Problem } from '../../src/schemas/problem.ts'
import { components } from '../../src/schemas/sweatstack.generated.ts'

/** The shared schemas, registered once so routes can `$ref` them: SweatStack's models (openapi/sweatstack.json), Problem, ParquetColumns. */
export default fp(async function contract (fastify) {
  for (const schema of components) fastify.addSchema(schema)
  fastify.addSchema(ParquetColumns)
  fastify.addSchema(Problem)
}, { name: 'contract' })
