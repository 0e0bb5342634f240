import t from 'tap'
import { Browser, FRONTEND, athlete, coach, signIn, startStack } from '../helper.ts'

t.test('API calls need the X-CSRF header and an allowed origin', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const noHeader = await browser.request({ method: 'GET', url: '/api/v1/activities/' })
  t.equal(noHeader.statusCode, 403)
  t.equal(noHeader.json().code, 'csrf_header_missing')
  t.match(noHeader.json().detail, /X-CSRF: 1/)

  const wrongValue = await browser.request({ method: 'GET', url: '/api/v1/activities/', headers: { 'x-csrf': 'yes' } })
  t.equal(wrongValue.statusCode, 403)

  const forgedForm = await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(forgedForm.statusCode, 403, 'a form post from another site cannot sign the user out')
  t.equal(forgedForm.json().code, 'origin_not_allowed')
  t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 200, 'still signed in')

  const preflight = await browser.request({ method: 'OPTIONS', url: '/api/v1/activities/', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-csrf' } })
  t.notOk(preflight.headers['access-control-allow-origin'], 'a disallowed origin gets no CORS permission')
  const allowed = await browser.request({ method: 'OPTIONS', url: '/api/v1/activities/', headers: { origin: FRONTEND, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-csrf' } })
  t.equal(allowed.headers['access-control-allow-origin'], FRONTEND)
  t.equal(allowed.headers['access-control-allow-credentials'], 'true')
})

t.test('a logout form post from the frontend works without X-CSRF and redirects', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const response = await browser.request({
    method: 'POST',
    url: '/auth/sweatstack/logout',
    headers: { origin: FRONTEND, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `next=${encodeURIComponent(FRONTEND + '/bye')}`,
  })
  t.equal(response.statusCode, 303)
  t.equal(response.headers.location, `${FRONTEND}/bye`)
  t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 401)
})

t.test('bad query values are a 400 naming the field', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const upstreamBefore = stack.sandbox.sandbox.stats().requests
  const cases: Array<[string, string]> = [
    ['/api/v1/activities/?limit=abc', 'limit'],
    ['/api/v1/activities/?limit=0', 'limit'],
    ['/api/v1/activities/?offset=-1', 'offset'],
    ['/api/v1/activities/?start=yesterday', 'start'],
    ['/api/v1/activities/?end=2026-13-45', 'end'],
    ['/api/v1/activities/?sport=Cycling!', 'sport'],
    ['/api/v1/activities/?limt=10', 'limt'],
    ['/api/v1/activities/latest?sport=..', 'sport'],
  ]
  for (const [url, field] of cases) {
    const response = await browser.api(url)
    t.equal(response.statusCode, 400, url)
    t.match(response.headers['content-type'], /application\/problem\+json/)
    const problem = response.json()
    t.equal(problem.code, 'invalid_request')
    t.ok(problem.errors.some((error: { name: string }) => error.name.startsWith(field)), `${url} names ${field}: ${problem.detail}`)
    t.match(problem.detail, field)
  }
  t.equal(stack.sandbox.sandbox.stats().requests, upstreamBefore, 'bad requests never reach SweatStack')
})

t.test('filters go upstream as SweatStack wants them', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const cycling = await browser.api('/api/v1/activities/?sport=cycling&sport=running&limit=100')
  t.equal(cycling.statusCode, 200)
  const sports = new Set(cycling.json().map((a: { sport: string }) => a.sport.split(/[.+]/)[0]))
  t.same([...sports].sort(), ['cycling', 'running'], 'repeated sport: any of them, sub-sports included')

  const june = await browser.api('/api/v1/activities/?start=2026-06-01&end=2026-06-30&limit=100')
  for (const activity of june.json()) t.match(activity.start, /^2026-06/)

  const page1 = (await browser.api('/api/v1/activities/?limit=5')).json()
  const page2 = (await browser.api('/api/v1/activities/?limit=5&offset=5')).json()
  t.equal(page1.length, 5)
  t.notSame(page1.map((a: { id: string }) => a.id), page2.map((a: { id: string }) => a.id))
})

t.test('SweatStack\'s own errors keep their status and detail', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const missing = await browser.api('/api/v1/activities/01HZZZZZZZZZZZZZZZZZZZZZZZ')
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { code: 'not_found', detail: 'Activity not found' })

  const tooMany = await browser.api('/api/v1/activities/?limit=500')
  t.equal(tooMany.statusCode, 422, 'SweatStack\'s 422 passed on')
  t.match(tooMany.json(), { code: 'upstream_validation_failed', errors: [{ in: 'query', name: 'limit' }] })

  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/latest', status: 500, body: { detail: 'boom' }, times: 1 })
  const failed = await browser.api('/api/v1/activities/latest')
  t.equal(failed.statusCode, 502)
  t.equal(failed.json().code, 'upstream_error')
  t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 200, 'the session survives')
})

t.test('the latest activity is JSON null when there is none', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser, coach.id)
  const response = await browser.api('/api/v1/activities/latest')
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /application\/json/)
  t.equal(response.body, 'null')
})

t.test('SweatStack unreachable: 503 with Retry-After, and the session survives', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  await stack.sandbox.close()
  const response = await browser.api('/api/v1/activities/')
  t.equal(response.statusCode, 503)
  t.equal(response.json().code, 'upstream_unavailable')
  t.equal(response.headers['retry-after'], '5')
  t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 200)
})

t.test('an expired access token is refreshed once and the new one reaches the browser', async t => {
  const stack = await startStack(t, { sandbox: { accessTokenTtlSeconds: 30 } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const before = browser.cookies.get('sweatstack_session')?.value
  // A 30 s token is inside the 60 s refresh margin: the next call refreshes first.
  const response = await browser.api('/api/v1/activities/?limit=1')
  t.equal(response.statusCode, 200)
  t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 1)
  t.ok(response.cookies.find(c => c.name === 'sweatstack_session'), 'the refreshed session is sent back')
  t.not(browser.cookies.get('sweatstack_session')?.value, before)
})

t.test('a revoked grant ends the session with session_expired', async t => {
  const stack = await startStack(t, { sandbox: { accessTokenTtlSeconds: 30 } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  stack.sandbox.sandbox.revokeUser(athlete.id)
  const response = await browser.api('/api/v1/activities/')
  t.equal(response.statusCode, 401)
  t.equal(response.json().code, 'session_expired')
  t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 401)
})

t.test('a refresh that fails for a passing reason keeps the session', async t => {
  const stack = await startStack(t, { sandbox: { accessTokenTtlSeconds: 30 } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  stack.sandbox.sandbox.addFault({ path: '/api/v1/oauth/token', status: 503, body: { detail: 'maintenance' }, times: 1 })
  const failed = await browser.api('/api/v1/activities/')
  t.equal(failed.statusCode, 502)
  const retried = await browser.api('/api/v1/activities/')
  t.equal(retried.statusCode, 200, 'the next call refreshes and succeeds')
})

t.test('request ids are echoed and sent upstream', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const response = await browser.api('/api/v1/activities/?limit=1', { headers: { 'x-request-id': 'trace-123', 'x-csrf': '1' } })
  t.equal(response.headers['x-request-id'], 'trace-123')
  const made = await browser.api('/api/v1/activities/?limit=1', { headers: { 'x-request-id': 'bad id with spaces', 'x-csrf': '1' } })
  t.match(made.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('SweatStack\'s cookies never reach the browser', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', status: 200, body: [], headers: { 'set-cookie': 'upstream=1; Path=/' }, times: 1 })
  const response = await browser.api('/api/v1/activities/')
  t.equal(response.statusCode, 200)
  t.notOk(String(response.headers['set-cookie'] ?? '').includes('upstream='))
})
