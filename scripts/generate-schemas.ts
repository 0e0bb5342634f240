// Generates src/schemas/sweatstack.generated.ts (TypeBox) from openapi/sweatstack.json, the contract.
// With --check, fails when the generated file is out of date. Run: npm run schemas
import { readFile } from 'node:fs/promises'
import { writeOrCheck } from './write-or-check.ts'
import path from 'node:path'

type Json = Record<string, unknown>
interface Parameter { name: string, in: string, required?: boolean, description?: string, schema: Json, deprecated?: boolean }
interface Operation { operationId: string, summary?: string, description?: string, 'x-required-scope'?: string, parameters?: Parameter[], requestBody?: { content: Record<string, { schema: Json }> }, responses: Record<string, { description?: string, content?: Record<string, { schema?: Json, example?: unknown }> }> }

const root = path.join(import.meta.dirname, '..')
const contractFile = path.join(root, 'openapi', 'sweatstack.json')
const outputFile = path.join(root, 'src', 'schemas', 'sweatstack.generated.ts')

/** Keywords that shape the TypeBox call; every other keyword is passed through as an option. */
const STRUCTURAL = new Set(['type', 'properties', 'required', 'items', 'oneOf', 'anyOf', '$ref', 'enum', 'const'])
const COMPONENT_REF = '#/components/schemas/'

/**
 * The contract's descriptions mix what a user of the API needs with research notes (marked
 * `[INFERRED]`, `[CONFLICT]`, `[UNKNOWN]`, or citing the SDK, docs and plans they came from). The notes
 * stay in openapi/sweatstack.json; the generated schemas, and so openapi/bff.json and Swagger UI, keep
 * only the user-facing sentences.
 */
export const RESEARCH_NOTE = /\[(?:INFERRED|CONFLICT|UNKNOWN)\b|\bSDK\b|\bskills?\b|CHANGELOG|\bplans? \d|\bpydantic\b|\bpyarrow\b|\b[\w/]+\.py\b|::|\bold docs\b|\bdocs say\b/i

export function userFacing (text: string): string {
  const withoutAsides = text.replace(/\s*\([^()]*\)/g, aside => RESEARCH_NOTE.test(aside) ? '' : aside)
  const sentences = withoutAsides.split(/(?<!\b(?:e\.g|i\.e)\.)(?<=[.!?])\s+(?=[A-Z`[(])/)
  return sentences.filter(sentence => !RESEARCH_NOTE.test(sentence)).join(' ').trim()
}

export async function generate (): Promise<string> {
  const contract = JSON.parse(await readFile(contractFile, 'utf8')) as { components: { schemas: Record<string, Json> }, paths: Record<string, Record<string, Operation>> }
  const schemas = contract.components.schemas
  const cyclic = cyclicComponents(schemas)

  function options (node: Json, extra: Json = {}): string {
    const rest: Json = { ...Object.fromEntries(Object.entries(node).filter(([key]) => !STRUCTURAL.has(key) && !key.startsWith('x-'))), ...extra }
    if (typeof rest.description === 'string') rest.description = userFacing(rest.description)
    if (rest.description === '') delete rest.description
    // Nested schemas among the options (additionalProperties, propertyNames) refer to components by $id too.
    return Object.keys(rest).length === 0 ? '' : JSON.stringify(rest, (key, value) => key === '$ref' && typeof value === 'string' ? refName(value) : value)
  }
  const call = (fn: string, args: string[], node: Json, extra?: Json) => {
    const opts = options(node, extra)
    return `Type.${fn}(${[...args, ...(opts ? [opts] : [])].join(', ')})`
  }

  function emit (node: Json, from?: string, extra: Json = {}): string {
    if (typeof node.$ref === 'string') {
      const target = refName(node.$ref)
      // Inside a cycle TypeScript cannot name the type of a schema from its own initializer.
      const type = cyclic.has(target) && from !== undefined && cyclic.has(from) ? 'unknown' : `Static<typeof ${target}>`
      const annotations = options(node, extra)
      // A $ref's sibling keywords (a parameter's description) are lost on the way into the OpenAPI
      // document; wrapped in allOf they stay beside it.
      return annotations ? `Type.Unsafe<${type}>({ allOf: [{ $ref: '${target}' }], ...${annotations} })` : `Type.Unsafe<${type}>({ $ref: '${target}' })`
    }
    if (Array.isArray(node.type)) {
      const types = node.type as string[]
      const nonNull = types.filter(type => type !== 'null')
      const variants = nonNull.map(type => emit({ ...node, type }, from, extra))
      if (types.includes('null')) variants.push('Type.Null()')
      return variants.length === 1 ? variants[0]! : `Type.Union([${variants.join(', ')}])`
    }
    const composition = (node.oneOf ?? node.anyOf) as Json[] | undefined
    if (composition !== undefined) return call('Union', [`[${composition.map(item => emit(item, from)).join(', ')}]`], node, extra)
    if (Array.isArray(node.enum)) return call('Enum', [JSON.stringify(node.enum)], node, typeof node.type === 'string' ? { ...extra, type: node.type } : extra)
    if (node.const !== undefined) return call('Literal', [JSON.stringify(node.const)], node, extra)
    switch (node.type) {
      case 'string': return call('String', [], node, extra)
      case 'number': return call('Number', [], node, extra)
      case 'integer': return call('Integer', [], node, extra)
      case 'boolean': return call('Boolean', [], node, extra)
      case 'null': return call('Null', [], node, extra)
      case 'array': return call('Array', [emit((node.items ?? {}) as Json, from)], node, extra)
      case 'object': return call('Object', [objectProperties(node, from)], node, extra)
      default: return `Type.Unsafe<unknown>(${options(node, extra) || '{}'})`
    }
  }

  function objectProperties (node: Json, from?: string): string {
    const properties = (node.properties ?? {}) as Record<string, Json>
    const required = new Set((node.required ?? []) as string[])
    const entries = Object.entries(properties).map(([key, value]) => {
      const schema = emit(value, from)
      return `${JSON.stringify(key)}: ${required.has(key) ? schema : `Type.Optional(${schema})`}`
    })
    return `{ ${entries.join(', ')} }`
  }

  const lines: string[] = [
    '// Generated from openapi/sweatstack.json by scripts/generate-schemas.ts: do not edit; run `npm run schemas`.',
    '/* eslint-disable */',
    "import { Type } from 'typebox'",
    "import type { Static } from 'typebox'",
    '',
  ]
  for (const [name, schema] of Object.entries(schemas)) {
    lines.push(`export const ${name} = ${emit(schema, name, { $id: name })}`)
    lines.push(`export type ${name} = Static<typeof ${name}>`)
  }
  lines.push('', '/** Every component, to be registered once with `fastify.addSchema` so `$ref`s resolve. */')
  lines.push(`export const components = [${Object.keys(schemas).join(', ')}]`, '')

  // Per operation (named by operationId): its query, path parameters, body and success answer.
  for (const [route, methods] of Object.entries(contract.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parts: string[] = []
      const description = userFacing([operation.summary, operation.description].filter(Boolean).map(text => /[.!?]$/.test(text!) ? text : `${text}.`).join(' '))
      if (description !== '') parts.push(`  description: ${JSON.stringify(description)},`)
      if (operation['x-required-scope'] !== undefined) parts.push(`  requiredScope: ${JSON.stringify(operation['x-required-scope'])},`)
      for (const [where, key] of [['query', 'querystring'], ['path', 'params']] as const) {
        const parameters = (operation.parameters ?? []).filter(parameter => parameter.in === where)
        if (parameters.length === 0) continue
        const entries = parameters.map(parameter => {
          const extra: Json = { ...(parameter.description ? { description: parameter.description } : {}), ...(parameter.deprecated ? { deprecated: true } : {}) }
          const schema = emit(parameter.schema, undefined, extra)
          return `${JSON.stringify(parameter.name)}: ${parameter.required ? schema : `Type.Optional(${schema})`}`
        })
        parts.push(`  ${key}: Type.Object({ ${entries.join(', ')} }),`)
      }
      const body = operation.requestBody?.content
      if (body !== undefined) {
        const [contentType, media] = Object.entries(body)[0]!
        parts.push(`  bodyContentType: ${JSON.stringify(contentType)},`, `  body: ${emit(media.schema)},`)
      }
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))
      const [status, response] = success ?? []
      const [contentType, media] = Object.entries(response?.content ?? {})[0] ?? []
      if (status !== undefined) parts.push(`  status: ${JSON.stringify(status)},`)
      if (contentType !== undefined) parts.push(`  contentType: ${JSON.stringify(contentType)},`)
      if (response?.description !== undefined && userFacing(response.description) !== '') parts.push(`  responseDescription: ${JSON.stringify(userFacing(response.description))},`)
      if (contentType === 'application/json' && media?.schema !== undefined) parts.push(`  response: ${emit(media.schema)},`)
      if (media?.example !== undefined) parts.push(`  responseExample: ${JSON.stringify(media.example)},`)
      lines.push(`/** ${method.toUpperCase()} ${route} */`)
      lines.push(`export const ${operation.operationId} = {`, `  operationId: ${JSON.stringify(operation.operationId)},`, `  method: ${JSON.stringify(method.toUpperCase())},`, `  path: ${JSON.stringify(route)},`, ...parts, '} as const')
    }
  }
  return lines.join('\n') + '\n'
}

function refName (ref: string): string {
  if (!ref.startsWith(COMPONENT_REF)) throw new Error(`unsupported $ref ${ref}`)
  return ref.slice(COMPONENT_REF.length)
}

/** Components that reach themselves through $refs: their self-references stay untyped for TypeScript. */
function cyclicComponents (schemas: Record<string, Json>): Set<string> {
  const edges = new Map<string, Set<string>>()
  for (const [name, schema] of Object.entries(schemas)) {
    const targets = new Set<string>()
    JSON.stringify(schema, (key, value) => {
      if (key === '$ref' && typeof value === 'string') targets.add(refName(value))
      return value
    })
    edges.set(name, targets)
  }
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    for (const next of edges.get(from) ?? []) {
      if (next === to) return true
      if (!seen.has(next)) {
        seen.add(next)
        if (reaches(next, to, seen)) return true
      }
    }
    return false
  }
  return new Set([...edges.keys()].filter(name => reaches(name, name)))
}

if (import.meta.main) {
  await writeOrCheck(outputFile, await generate(), 'openapi/sweatstack.json', 'schemas')
}
