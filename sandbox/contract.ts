// The contract (openapi/sweatstack.json) is the source of truth for request bodies: the sandbox
// validates JSON bodies against its component schemas, as FastAPI validates them with pydantic.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

const bundleId = 'sweatstack'

function contractPath (): string {
  // The sandbox runs from its sources (sandbox/*.ts, here and in the sandbox image); the contract
  // lives in openapi/ next to sandbox/, at the repository root (/app/openapi in the image).
  const path = fileURLToPath(new URL('../openapi/sweatstack.json', import.meta.url))
  if (existsSync(path)) return path
  throw new Error('openapi/sweatstack.json not found')
}

/** Drops annotations Ajv does not know (`example`), keeping everything that validates. */
function withoutExamples (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutExamples)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'example').map(([key, inner]) => [key, withoutExamples(inner)]))
}

let components: Record<string, unknown> | undefined

export function contractComponents (): Record<string, unknown> {
  if (components === undefined) {
    const document = JSON.parse(readFileSync(contractPath(), 'utf8')) as { components: { schemas: Record<string, unknown> } }
    components = withoutExamples(document.components.schemas) as Record<string, unknown>
  }
  return components
}

/** Registers the contract's component schemas with the app, under `sweatstack#/components/schemas/...`. */
export function installContractSchemas (app: FastifyInstance): void {
  app.addSchema({ $id: bundleId, components: { schemas: contractComponents() } })
}

const bodySchemas = new Map<string, { $ref: string }>()

/**
 * A route body schema: the named component of the contract. The same object each time, so that the
 * process-wide validator compiler (app.ts) compiles each body schema once, not once per sandbox.
 */
export function contractBody (name: string): { $ref: string } {
  let schema = bodySchemas.get(name)
  if (schema === undefined) bodySchemas.set(name, schema = { $ref: `${bundleId}#/components/schemas/${name}` })
  return schema
}
