import { readFile } from 'node:fs/promises'
import t from 'tap'
import { RESEARCH_NOTE } from '../../scripts/generate-schemas.ts'
import { startStack } from '../helper.ts'

t.test('/openapi.json is the committed openapi/bff.json', async t => {
  const stack = await startStack(t)
  const served = await stack.app.inject({ url: '/openapi.json' })
  t.equal(served.statusCode, 200)
  const committed = JSON.parse(await readFile(new URL('../../openapi/bff.json', import.meta.url), 'utf8'))
  t.same(served.json(), committed, 'run `npm run openapi` after changing a route')
})

t.test('every API route is documented with a tag, a summary, its errors and an example', async t => {
  const stack = await startStack(t)
  const document = (await stack.app.inject({ url: '/openapi.json' })).json()
  t.equal(document.openapi, '3.1.0')
  for (const [path, operations] of Object.entries<Record<string, { tags?: string[], summary?: string, responses: Record<string, { content?: Record<string, unknown> }> }>>(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      t.ok(operation.tags?.length, `${method} ${path} has a tag`)
      t.ok(operation.summary, `${method} ${path} has a summary`)
      if (path.startsWith('/api/')) {
        t.ok(operation.responses['401']?.content?.['application/problem+json'], `${method} ${path} documents its 401 problem`)
        t.ok(Object.keys(operation.responses).some(status => /^2/.test(status)), `${method} ${path} documents its success`)
      }
    }
  }
  t.ok(document.components.schemas.ActivitySummary.examples?.length, 'schemas carry examples')
})

t.test('Swagger UI is served at /docs', async t => {
  const stack = await startStack(t)
  const page = await stack.app.inject({ url: '/docs/' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  t.match(page.body, /swagger/i)
})

t.test('the published document speaks to users: descriptions everywhere, no research notes, redirects as redirects', async t => {
  const document = JSON.parse(await readFile(new URL('../../openapi/bff.json', import.meta.url), 'utf8'))
  const notes: string[] = []
  JSON.stringify(document, (key, value) => {
    if (typeof value === 'string' && RESEARCH_NOTE.test(value)) notes.push(`${key}: ${value.slice(0, 80)}`)
    return value
  })
  t.same(notes, [], 'no research note (markers such as [INFERRED], or sources such as the SDK) in openapi/bff.json')
  type Operation = { description?: string, parameters?: Array<{ name: string, description?: string }>, responses: Record<string, { content?: unknown, headers?: Record<string, unknown> }> }
  let operations = 0
  for (const [path, methods] of Object.entries<Record<string, Operation>>(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations++
      t.ok(operation.description, `${method} ${path} has a description`)
      for (const parameter of operation.parameters ?? []) t.ok(parameter.description, `${method} ${path}: parameter ${parameter.name} has a description`)
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^3/.test(status)) {
          t.notOk(response.content, `${method} ${path} ${status}: a redirect has no body`)
          t.ok(response.headers?.location, `${method} ${path} ${status}: and says where it goes`)
        }
        if (status === '204') t.notOk(response.content, `${method} ${path} 204: no body`)
      }
    }
  }
  t.ok(operations > 50, `${operations} operations checked`)
})
