// Bad input gets a clean, named refusal and never reaches SweatStack: bodies nested too deep, bodies
// where an operation takes none, webhooks that are not JSON or too large. And every /api and /auth
// answer is private to the browser, whatever SweatStack said about caching.
import fc from 'fast-check'
import t from 'tap'
import { signWebhook } from '../../src/webhook-signature.ts'
import { Browser, signIn, startStack } from '../helper.ts'

const SECRET = 'whsec_bad_input_secret'

const stack = await startStack(t, { env: { SWEATSTACK_SCOPES: 'data:read data:write profile', SWEATSTACK_WEBHOOK_SECRETS: SECRET } })
const browser = new Browser(stack.app)
await signIn(browser)
const [activity] = (await browser.api('/api/v1/activities/?limit=1')).json() as Array<{ id: string }>
const requests = () => stack.sandbox.sandbox.stats().requests

t.test('property: a JSON body nested deeper than 32 levels is a 400 naming the body, anywhere in it', async t => {
  const before = requests()
  const nested = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth)
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 33, max: 20_000 }),
    fc.constantFrom(['[', ']'], ['{"a":', '}']),
    fc.constantFrom(
      { method: 'PUT', url: `/api/v1/activities/${activity!.id}/app-metadata`, wrap: (inner: string) => `{"deep":${inner}}` },
      { method: 'POST', url: '/api/v1/traces/', wrap: (inner: string) => `{"timestamp":"2026-05-18T10:00:00Z","lactate":2,"app_metadata":{"x":${inner}}}` },
      { method: 'POST', url: '/api/v1/workouts/schedule', wrap: (inner: string) => inner }
    ),
    async (depth, [open, close], route) => {
      const inner = open === '[' ? nested(depth, '[', ']') : nested(depth, '{"a":', '}').replace(/:}/, ':1}')
      const response = await browser.api(route.url, { method: route.method as 'PUT' | 'POST', headers: { 'content-type': 'application/json' }, payload: route.wrap(inner) })
      return response.statusCode === 400 && response.json().code === 'invalid_request' && response.json().errors[0].name === 'body'
    }), { numRuns: 60 })
  t.equal(requests(), before, 'none reached SweatStack')
  t.notOk(stack.logs.some(line => line.includes('"level":50')), 'and nothing was logged as an error')
  const shallow = await browser.api(`/api/v1/activities/${activity!.id}/app-metadata`, { method: 'PUT', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: { b: { c: [1, [2, [3]]] } } }) })
  t.equal(shallow.statusCode, 200, 'ordinary nesting passes')
})

t.test('a body sent to an operation that takes none is refused, not forwarded', async t => {
  const before = requests()
  for (const [method, url] of [['DELETE', `/api/v1/activities/${activity!.id}/app-metadata`], ['GET', '/api/v1/activities/?limit=1']] as const) {
    const response = await browser.api(url, { method, headers: { 'content-type': 'application/json' }, payload: '{"smuggled":true}' })
    t.equal(response.statusCode, 400, `${method}: 400`)
    t.match(response.json(), { code: 'invalid_request', errors: [{ in: 'body', name: 'body' }] })
  }
  t.equal(requests(), before, 'nothing reached SweatStack')
})

t.test('the webhook takes signed JSON within 64 KB only', async t => {
  const post = (payload: string, contentType: string) => {
    const time = stack.clock.seconds()
    return stack.app.inject({ method: 'POST', url: '/webhooks/sweatstack', headers: { 'content-type': contentType, 'x-sweatstack-signature': `t=${time},v1=${signWebhook(SECRET, time, payload)}` }, payload })
  }
  const event = JSON.stringify({ user_id: 'u', event_type: 'activity_created', resource_id: 'r', padding: 'x'.repeat(300 * 1024) })
  for (const [contentType, status, code] of [['text/plain', 415, 'unsupported_media_type'], ['application/x-www-form-urlencoded', 415, 'unsupported_media_type'], ['application/json', 413, 'payload_too_large']] as const) {
    const response = await post(event, contentType)
    t.equal(response.statusCode, status, `${contentType}, 300 KB: ${status}`)
    t.match(response.headers['content-type'], /problem\+json/)
    t.equal(response.json().code, code)
  }
  t.equal((await post(JSON.stringify({ user_id: 'u', event_type: 'activity_created' }), 'application/json; charset=utf-8')).statusCode, 204, 'a small signed JSON event is taken')
})

t.test('every /api and /auth answer is no-store and varies on Cookie and Origin', async t => {
  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', status: 200, body: [], headers: { 'cache-control': 'public, max-age=3600', etag: '"abc"' }, times: 1 })
  const answers = [
    await browser.api('/api/v1/activities/?limit=1'),
    await browser.api('/api/v1/activities/?limit=1'),
    await browser.api('/api/v1/activities/not-an-id!'),
    await browser.api('/api/v1/oauth/userinfo'),
    await new Browser(stack.app).api('/api/v1/activities/'),
    await browser.request({ url: '/auth/sweatstack/user' }),
    await browser.request({ url: '/auth/sweatstack/login' }),
    await browser.request({ method: 'POST', url: '/auth/sweatstack/select-self', headers: { origin: 'https://evil.example' } }),
  ]
  for (const answer of answers) {
    t.equal(answer.headers['cache-control'], 'no-store', `${answer.statusCode}: no-store`)
    t.equal(answer.headers.vary, 'Cookie, Origin')
  }
  t.not(answers[0]!.headers['cache-control'], 'public, max-age=3600', 'SweatStack\'s caching rule is not passed on')
})
