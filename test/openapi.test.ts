import { readFile } from 'node:fs/promises'
import t from 'tap'
import { startStack } from './helper.ts'

t.test('/openapi.json is the committed openapi/bff.json', async t => {
  const stack = await startStack(t)
  const served = await stack.app.inject({ url: '/openapi.json' })
  t.equal(served.statusCode, 200)
  const committed = JSON.parse(await readFile(new URL('../openapi/bff.json', import.meta.url), 'utf8'))
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
