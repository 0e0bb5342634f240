import t from 'tap'
import { Type } from 'typebox'
import { bareFastify, errorHandling } from './bare.ts'

t.test('every error is problem+json with a catalog code, the request id and the security headers', async t => {
  const app = await bareFastify(t, ...errorHandling())
  app.get('/typed', { schema: { querystring: Type.Object({ limit: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } }, async () => 'ok')
  app.get('/bug', async () => { throw new Error('a secret detail of a bug') })
  const answers = {
    invalid: await app.inject({ url: '/typed?limit=0&typo=1' }),
    bug: await app.inject({ url: '/bug' }),
    missing: await app.inject({ url: '/nowhere' }),
  }
  for (const [name, answer] of Object.entries(answers)) {
    t.match(answer.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`)
    t.equal(answer.headers['x-content-type-options'], 'nosniff', `${name}: security headers`)
    t.match(answer.json(), { type: /^urn:sweatstack-bff:problem:/, title: String, status: answer.statusCode, detail: String, code: String, requestId: String })
  }
  t.match(answers.invalid.json(), { status: 400, code: 'invalid_request', errors: [{ in: 'query' }] })
  t.match(answers.invalid.json().errors[0].name, /^(?:limit|typo)$/, 'the bad field named')
  t.match(answers.bug.json(), { status: 500, code: 'internal_error' })
  t.notMatch(answers.bug.body, /secret detail/, 'a bug\'s message stays in the log')
  t.match(answers.missing.json(), { status: 404, code: 'route_not_found' })
})
