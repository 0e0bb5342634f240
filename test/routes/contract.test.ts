import { readFile } from 'node:fs/promises'
import t from 'tap'
import { startStack } from '../helper.ts'

type Json = Record<string, unknown>
interface Operation { parameters?: Array<{ name: string, in: string, required?: boolean, schema: Json }>, requestBody?: { content: Record<string, { schema: Json }> }, responses: Record<string, { content?: Record<string, { schema?: Json }> }> }
type Paths = Record<string, Record<string, Operation>>

/** Token endpoints are deliberately not exposed: tokens never reach the browser. */
const NOT_PROXIED = new Set(['/oauth/authorize', '/api/v1/oauth/token', '/api/v1/oauth/delegated-token', '/api/v1/oauth/principal-token'])
// `default` too: SweatStack applies its defaults itself whether or not the BFF documents them.
const ANNOTATIONS = new Set(['description', 'examples', 'example', 'title', 'deprecated', '$id', 'contentMediaType', 'default'])

/** A schema reduced to what it accepts: no annotations, one way to say "nullable", refs by name, keys sorted. */
function normalize (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize)
  if (value === null || typeof value !== 'object') return value
  const node = value as Json
  if (Array.isArray(node.type)) {
    const { type, ...rest } = node
    return normalize({ anyOf: (type as string[]).map(one => one === 'null' ? { type: 'null' } : { ...rest, type: one }) })
  }
  const out: Json = {}
  for (const key of Object.keys(node).sort()) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue
    if (key === '$ref') out.$ref = String(node.$ref).replace('#/components/schemas/', '')
    else if (key === 'oneOf') out.anyOf = normalize(node.oneOf)
    else if (key === 'const') out.enum = [node.const]
    else if (key === 'properties' && Object.keys(node.properties as Json).length === 0) continue
    else out[key] = normalize(node[key])
  }
  // An enum of strings already says "string".
  const kind = (v: unknown): string => typeof v
  if (Array.isArray(out.enum) && typeof out.type === 'string' && (out.enum as unknown[]).every(v => kind(v) === out.type)) delete out.type
  // { anyOf: [X] } and { allOf: [X] } say the same as X.
  for (const keyword of ['anyOf', 'allOf']) {
    const list = out[keyword]
    if (Array.isArray(list) && list.length === 1 && Object.keys(out).length === 1) return list[0]
  }
  return out
}

t.test('every SweatStack operation is a BFF route with the contract\'s parameters, body and answer', async t => {
  const contract = JSON.parse(await readFile(new URL('../../openapi/sweatstack.json', import.meta.url), 'utf8')) as { paths: Paths, components: { schemas: Record<string, Json> } }
  const stack = await startStack(t)
  const bff = (await stack.app.inject({ url: '/openapi.json' })).json() as { paths: Paths, components: { schemas: Record<string, Json> } }

  // The BFF's document keeps the models its routes use; each must be the contract's.
  for (const [name, schema] of Object.entries(bff.components.schemas)) {
    if (name in contract.components.schemas) t.same(normalize(schema), normalize(contract.components.schemas[name]), `component ${name}`)
  }
  t.ok(Object.keys(bff.components.schemas).filter(name => name in contract.components.schemas).length > 60, 'the models in use are the contract\'s')
  let operations = 0
  for (const [path, methods] of Object.entries(contract.paths)) {
    if (NOT_PROXIED.has(path)) continue
    for (const [method, expected] of Object.entries(methods)) {
      const label = `${method.toUpperCase()} ${path}`
      const actual = bff.paths[path]?.[method]
      if (!t.ok(actual, `${label} exists`)) continue
      operations++
      const parameters = (operation: Operation) => (operation.parameters ?? [])
        .map(p => ({ name: p.name, in: p.in, required: p.required ?? false, schema: normalize(p.schema) }))
        .sort((a, b) => `${a.in}${a.name}`.localeCompare(`${b.in}${b.name}`))
      t.same(parameters(actual!), parameters(expected), `${label} parameters`)
      for (const [type, media] of Object.entries(expected.requestBody?.content ?? {})) {
        t.same(normalize(actual!.requestBody?.content[type]?.schema), normalize(media.schema), `${label} ${type} body`)
      }
      const [status, response] = Object.entries(expected.responses).find(([code]) => code.startsWith('2'))!
      const json = response.content?.['application/json']?.schema
      const answered = actual!.responses[status] ?? actual!.responses[status.toLowerCase()]
      t.ok(answered, `${label} answers ${status}`)
      if (json !== undefined) t.same(normalize(answered?.content?.['application/json']?.schema), normalize(json), `${label} ${status} body`)
      for (const type of Object.keys(response.content ?? {})) t.ok(answered?.content?.[type], `${label} documents ${type}`)
    }
  }
  t.ok(operations >= 45, `${operations} operations checked`)
})
