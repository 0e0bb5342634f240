import t from 'tap'
import { Browser, FRONTEND, signIn, startStack } from '../helper.ts'

t.test('security headers on API answers; Swagger UI gets its own CSP', async t => {
  const stack = await startStack(t)
  const api = await stack.app.inject({ url: '/api/v1/activities/', headers: { 'x-csrf': '1' } })
  t.match(api.headers['content-security-policy'], /default-src 'none'/)
  t.equal(api.headers['x-content-type-options'], 'nosniff')
  t.equal(api.headers['x-frame-options'], 'SAMEORIGIN')
  t.notOk(api.headers['strict-transport-security'], 'no HSTS on plain http')
  const docs = await stack.app.inject({ url: '/docs/' })
  t.match(docs.headers['content-security-policy'], /script-src 'self'/)
  t.notMatch(docs.headers['content-security-policy'], /upgrade-insecure-requests/, 'not on plain http')

  const https = await startStack(t, { env: { APP_URL: 'https://bff.example.com' } })
  t.match((await https.app.inject({ url: '/health' })).headers['strict-transport-security'], /max-age=31536000/)
})

t.test('/auth is rate limited per client address, honouring TRUST_PROXY', async t => {
  const stack = await startStack(t, { env: { AUTH_RATE_LIMIT: '5', TRUST_PROXY: '127.0.0.1' } })
  const login = (ip: string) => stack.app.inject({ url: '/auth/sweatstack/login', headers: { 'x-forwarded-for': ip } })
  for (let i = 0; i < 5; i++) t.equal((await login('203.0.113.7')).statusCode, 302)
  const limited = await login('203.0.113.7')
  t.equal(limited.statusCode, 429)
  t.match(limited.headers['content-type'], /problem\+json/)
  t.equal(limited.json().code, 'rate_limited')
  t.ok(Number(limited.headers['retry-after']) > 0)
  t.equal((await login('198.51.100.9')).statusCode, 302, 'another client (per X-Forwarded-For from a trusted proxy) is not limited')
})

t.test('without TRUST_PROXY, X-Forwarded-For cannot dodge the limit', async t => {
  const stack = await startStack(t, { env: { AUTH_RATE_LIMIT: '3' } })
  for (let i = 0; i < 3; i++) await stack.app.inject({ url: '/auth/sweatstack/login', headers: { 'x-forwarded-for': `10.0.0.${i}` } })
  t.equal((await stack.app.inject({ url: '/auth/sweatstack/login', headers: { 'x-forwarded-for': '10.0.0.99' } })).statusCode, 429)
})

t.test('API calls are not rate limited by the /auth limit', async t => {
  const stack = await startStack(t, { env: { AUTH_RATE_LIMIT: '10' } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const calls = await Promise.all(Array.from({ length: 20 }, () => browser.api('/api/v1/activities/?limit=1')))
  t.same(calls.map(c => c.statusCode), Array(20).fill(200))
})

t.test('logout clears the session and any pending sign-in; a second one is harmless', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  await browser.request({ method: 'GET', url: '/auth/sweatstack/login' })
  t.ok(browser.cookies.has('sweatstack_login'), 'a sign-in is pending')
  const response = await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { 'x-csrf': '1', origin: FRONTEND } })
  t.equal(response.statusCode, 204)
  t.notOk(browser.cookies.has('sweatstack_session'))
  t.notOk(browser.cookies.has('sweatstack_login'))
  t.equal((await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { 'x-csrf': '1', origin: FRONTEND } })).statusCode, 204)
})
