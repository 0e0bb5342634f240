import t from 'tap'
import { bareFastify, errorHandling } from './bare.ts'

t.test('JSON bodies: nesting bounded before parsing, prototype poisoning refused, the rest parsed', async t => {
  const app = await bareFastify(t, ...errorHandling(), import('../../plugins/app/json-body.ts'))
  app.post('/echo', async request => request.body)
  const post = (payload: string) => app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload })
  t.same((await post('{"a":[1,{"b":2}]}')).json(), { a: [1, { b: 2 }] })
  const deep = await post('['.repeat(33) + ']'.repeat(33))
  t.equal(deep.statusCode, 400)
  t.match(deep.json(), { code: 'invalid_request', errors: [{ in: 'body', name: 'body', message: /32 levels/ }] })
  t.equal((await post('['.repeat(32) + ']'.repeat(32))).statusCode, 200, '32 levels pass')
  t.equal((await post('{"__proto__":{"admin":true}}')).statusCode, 400, 'Fastify\'s own poisoning check still applies')
  t.equal((await post('{"a":')).statusCode, 400)
})
