import fc from 'fast-check'
import t from 'tap'
import { Browser, FRONTEND, approveAtSandbox, athlete, makeSessionKey, signIn, startStack } from '../helper.ts'

t.test('property: no cookie, however broken, gets anything but an anonymous answer', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const good = decodeURIComponent(browser.cookies.get('sweatstack_session')!.value)
  const other = await startStack(t, { env: { SWEATSTACK_SESSION_SECRET: makeSessionKey() } })
  const otherBrowser = new Browser(other.app)
  await signIn(otherBrowser)
  const wrongKey = decodeURIComponent(otherBrowser.cookies.get('sweatstack_session')!.value)

  const broken = fc.oneof(
    fc.nat({ max: good.length - 1 }).map(n => good.slice(0, n)), // truncated
    fc.tuple(fc.nat({ max: good.length - 1 }), fc.string({ minLength: 1, maxLength: 1 })).map(([i, c]) => good.slice(0, i) + c + good.slice(i + 1)), // tampered
    fc.constant(wrongKey), // made with another key
    fc.string({ maxLength: 200 }), // garbage, non-base64
    fc.base64String({ maxLength: 400 }).map(s => `${s};${s}`),
    fc.nat({ max: 6000 }).map(n => 'A'.repeat(n) + ';' + 'B'.repeat(32)) // oversized
  )
  // '-' and '+' (and '_' and '/') decode to the same bytes: such a "change" is the same valid cookie.
  const bytes = (cookie: string) => cookie.split(';').map(part => Buffer.from(part, 'base64').toString('hex')).join(';')
  await fc.assert(fc.asyncProperty(broken, fc.boolean(), async (value, duplicated) => {
    if (value === good || bytes(value) === bytes(good)) return true
    const pair = `sweatstack_session=${encodeURIComponent(value)}`
    const cookie = duplicated ? `${pair}; sweatstack_session=${encodeURIComponent(good.slice(1))}` : pair
    const response = await stack.app.inject({ url: '/api/v1/activities/?limit=1', headers: { cookie, 'x-csrf': '1' } })
    return response.statusCode === 401 && response.json().code === 'not_authenticated'
  }), { numRuns: 300 })
  t.pass('300 broken cookies, each an anonymous request')
})

t.test('anti-forgery', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)

  t.test('a cross-origin fetch without X-CSRF is refused', async t => {
    const response = await browser.request({ method: 'GET', url: '/api/v1/activities/', headers: { origin: 'https://evil.example' } })
    t.equal(response.statusCode, 403)
    t.equal(response.json().code, 'csrf_header_missing')
    t.notOk(response.headers['access-control-allow-origin'], 'and the browser would not show it anyway')
  })
  t.test('an unsafe request from another origin is refused even with the header', async t => {
    const response = await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { origin: 'https://evil.example', 'x-csrf': '1' } })
    t.equal(response.statusCode, 403)
    t.equal(response.json().code, 'origin_not_allowed')
  })
  t.test('a forged form post without an Origin is refused', async t => {
    const response = await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'next=/' })
    t.equal(response.statusCode, 403)
    t.equal(response.json().code, 'csrf_header_missing')
  })
  t.test('a disallowed origin\'s preflight gets no permission', async t => {
    const response = await browser.request({ method: 'OPTIONS', url: '/api/v1/activities/', headers: { origin: 'http://localhost:5174', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-csrf' } })
    t.notOk(response.headers['access-control-allow-origin'], 'without Access-Control-Allow-Origin the browser never sends the request')
  })
  t.test('the session survived every attempt', async t => {
    t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 200)
  })
})

t.test('property: no next value sends the browser off the allowed origins, through the real flow', async t => {
  const stack = await startStack(t, { env: { AUTH_RATE_LIMIT: '100000' } })
  const allowed = [FRONTEND, 'http://localhost:8000']
  const pieces = fc.constantFrom('/', '//', '\\', '/\\', 'https:', 'javascript:', 'evil.com', 'localhost', ':5173', '@', '%2F', '%5C', '%40',
    'ℯvil.com', 'lоcalhost', '\t', 'HTTPS://', 'LOCALHOST', 'user:pw@', 'http://localhost:5173', '.evil.com', '?', '#')
  const next = fc.oneof(fc.array(pieces, { maxLength: 10 }).map(p => p.join('')), fc.webUrl(), fc.string({ maxLength: 50 }), fc.constant('/'.repeat(5000)))
  await fc.assert(fc.asyncProperty(next, async value => {
    const browser = new Browser(stack.app)
    const login = await browser.request({ method: 'GET', url: `/auth/sweatstack/login?next=${encodeURIComponent(value)}` })
    const callbackUrl = await approveAtSandbox(login.headers.location as string, athlete.id)
    const response = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
    const target = new URL(String(response.headers.location))
    return response.statusCode === 302 && allowed.includes(target.origin) && target.username === ''
  }), { numRuns: 150 })
  t.pass('150 generated next values, every redirect on an allowed origin')
})
