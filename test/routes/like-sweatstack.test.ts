// Where the sandbox could hide a difference from the real SweatStack: scopes, the bodies and parameters
// SweatStack takes, and the opt-in pass-through for its paths the contract does not have yet.
import t from 'tap'
import { Browser, signIn, startStack } from '../helper.ts'

const WRITE = { SWEATSTACK_SCOPES: 'data:read data:write profile' }

t.test('the same default scopes in sandbox and real mode; a missing scope is a clear insufficient_scope', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  t.same((await browser.api('/auth/sweatstack/user')).json().scopes, ['data:read', 'profile'], '/user reports the granted scopes')
  const before = stack.sandbox.sandbox.stats().requests
  const posted = await browser.api('/api/v1/traces/', { method: 'POST', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ timestamp: '2026-05-18T10:00:00Z', lactate: 2.1 }) })
  t.equal(posted.statusCode, 403)
  t.match(posted.json(), { code: 'insufficient_scope', detail: /data:write.*SWEATSTACK_SCOPES="data:read profile data:write"/ })
  t.equal(stack.sandbox.sandbox.stats().requests - before, 1, 'SweatStack decided, once')
  const read = await browser.api('/api/v1/traces/')
  t.equal(read.statusCode, 200, 'reading works')
  const docs = (await stack.app.inject({ url: '/openapi.json' })).json()
  t.match(docs.paths['/api/v1/traces/'].post.description, /Needs the `data:write` scope/, 'each route documents the scope it needs')
})

t.test('workout schedules SweatStack accepts are accepted: a step without effort, null volume or intensity, a count of 0', async t => {
  const stack = await startStack(t, { env: WRITE })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const swf = {
    sport: 'running',
    content: [
      { type: 'step', volume: { type: 'constant', quantity: 'duration', value: 600 }, intensity: null },
      { type: 'repeat', count: 0, content: [{ type: 'step', effort: null, volume: null, intensity: { type: 'constant', quantity: 'speed', value: 4.2 } }] },
      { type: 'step', effort: 'rest', volume: { type: 'constant', quantity: 'duration', value: 120 } },
    ],
  }
  const answer = await browser.api('/api/v1/workouts/schedule', { method: 'POST', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ swf, start: '2026-05-21T07:00:00' }) })
  t.equal(answer.statusCode, 200, answer.body.slice(0, 300))
  t.match(answer.json(), { sport: 'running', warnings: Array })
  const documented = (await stack.app.inject({ url: '/openapi.json' })).json().components.schemas.WorkoutWarning
  t.same(documented.required, ['integration'], 'WorkoutWarning is typed: {integration, issues?, adjustments?}')
  t.same(Object.keys(documented.properties).sort(), ['adjustments', 'integration', 'issues'])
})

t.test('parameters SweatStack does not have are refused by name; sports may hold digits', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const named = await browser.api('/api/v1/users/?name=alice')
  t.equal(named.statusCode, 400, '`name` is not a SweatStack parameter of the user list (it would be ignored)')
  t.match(named.json().errors, [{ in: 'query', name: 'name' }])
  const digits = await browser.api('/api/v1/activities/?sport=cycling.track.u23')
  t.equal(digits.statusCode, 200, 'the taxonomy allows digits after the first letter of a segment')
  t.equal((await browser.api('/api/v1/activities/?sport=cycling.23track')).statusCode, 400, 'but not first')
})

t.test('the opt-in pass-through: off by default, same rules as typed routes, never a token', async t => {
  const off = await startStack(t)
  const offBrowser = new Browser(off.app)
  await signIn(offBrowser)
  off.sandbox.sandbox.addFault({ path: '/api/v1/new-thing/', status: 200, body: { fresh: true } })
  t.equal((await offBrowser.api('/api/v1/new-thing/')).statusCode, 404, 'off: an unknown path is no route')

  const stack = await startStack(t, { env: { SWEATSTACK_PASSTHROUGH: 'true' } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  stack.sandbox.sandbox.addFault({ path: '/api/v1/new-thing/', method: 'GET', status: 200, body: { fresh: true } })
  const untyped = await browser.api('/api/v1/new-thing/?x=1&x=2')
  t.equal(untyped.statusCode, 200)
  t.same(untyped.json(), { fresh: true })
  t.equal(untyped.headers['cache-control'], 'no-store')
  t.match(stack.sandbox.sandbox.received().at(-1), /^GET \/api\/v1\/new-thing\/\?x=1&x=2$/, 'path and query as given')

  stack.sandbox.sandbox.addFault({ path: '/api/v1/leaky', status: 200, body: { data: { nested: [{ refresh_token: 'rt-abc' }] } } })
  const leaky = await browser.api('/api/v1/leaky')
  t.equal(leaky.statusCode, 502)
  t.equal(leaky.json().code, 'token_in_answer')
  t.notMatch(leaky.body, /rt-abc/)

  const typed = await browser.api('/api/v1/activities/?limit=1')
  t.equal(typed.statusCode, 200, 'typed routes still answer typed')
  const before = stack.sandbox.sandbox.stats().requests
  for (const path of ['/api/v1/oauth/principal-token', '/api/v1/oauth/token', '/api/v1/a/../oauth/principal-token', '/api/v1/a/%2e%2e/oauth/x', '/api/v1/x%2F..%2Foauth']) {
    const answer = await browser.api(path)
    t.equal(answer.statusCode, 404, `${path}: never forwarded`)
  }
  t.equal((await browser.request({ url: '/api/v1/new-thing/', headers: { origin: 'https://evil.example' } })).statusCode, 403, 'anti-forgery applies')
  t.equal((await new Browser(stack.app).api('/api/v1/new-thing/')).statusCode, 401, 'so does signing in')
  t.equal(stack.sandbox.sandbox.stats().requests, before, 'none of these reached SweatStack')
  t.ok(JSON.stringify((await stack.app.inject({ url: '/openapi.json' })).json()).includes('untyped (opt-in)'), 'documented as untyped')
})
