import t from 'tap'
import { Browser, athlete, signIn, startStack } from '../helper.ts'
import type { Stack } from '../helper.ts'

// Sandbox tokens live 30 s, inside the 60 s refresh margin: every API call finds the token expiring.
const expiring = { sandbox: { accessTokenTtlSeconds: 30 } }

function accessTokenOf (stack: Stack, cookieValue: string): string | undefined {
  return stack.bff.decodeSecureSession(decodeURIComponent(cookieValue))?.get('principal')?.accessToken
}

for (const rotate of [false, true]) {
  t.test(`50 concurrent calls with an expiring token: one refresh, 50 successes (rotation ${rotate ? 'on' : 'off'})`, async t => {
    const stack = await startStack(t, { sandbox: { ...expiring.sandbox, rotateRefreshTokens: rotate } })
    const browser = new Browser(stack.app)
    await signIn(browser)
    const staleCookie = browser.cookieHeader('/api/v1/activities/')
    const responses = await Promise.all(Array.from({ length: 50 }, () =>
      stack.app.inject({ url: '/api/v1/activities/?limit=1', headers: { cookie: staleCookie, 'x-csrf': '1' } })))
    t.same(responses.map(r => r.statusCode), Array(50).fill(200), '50 successes')
    t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 1, 'exactly one refresh upstream')

    const newTokens = new Set(responses.map(r => {
      const cookie = r.cookies.find(c => c.name === 'sweatstack_session')
      return cookie === undefined ? undefined : accessTokenOf(stack, encodeURIComponent(cookie.value))
    }))
    t.equal(newTokens.size, 1, 'every response carries the refreshed session')
    t.notOk(newTokens.has(undefined))

    // A request that left the browser before the new cookie arrived still works, without a second refresh.
    const late = await stack.app.inject({ url: '/api/v1/activities/?limit=1', headers: { cookie: staleCookie, 'x-csrf': '1' } })
    t.equal(late.statusCode, 200)
    t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 1)
  })
}

t.test('with rotation, each refresh uses the refresh token the previous one returned', async t => {
  const stack = await startStack(t, { sandbox: { ...expiring.sandbox, rotateRefreshTokens: true } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const refreshTokens = new Set<string>()
  for (let i = 0; i < 3; i++) {
    // Each call finds its 30 s token expiring and refreshes with the rotated token from the last cookie.
    const response = await browser.api('/api/v1/activities/?limit=1')
    t.equal(response.statusCode, 200, `call ${i + 1}`)
    refreshTokens.add(stack.bff.decodeSecureSession(decodeURIComponent(browser.cookies.get('sweatstack_session')!.value))!.get('principal')!.refreshToken!)
  }
  t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 3)
  t.equal(refreshTokens.size, 3, 'a new refresh token each time, all accepted')
})

t.test('the refreshed session reaches the browser even when the call itself then fails', async t => {
  const stack = await startStack(t, expiring)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const before = browser.cookies.get('sweatstack_session')!.value
  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', status: 500, body: { detail: 'boom' }, times: 1 })
  const response = await browser.api('/api/v1/activities/')
  t.equal(response.statusCode, 502)
  t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 1)
  const after = response.cookies.find(c => c.name === 'sweatstack_session')
  t.ok(after, 'Set-Cookie on the error response')
  t.not(accessTokenOf(stack, encodeURIComponent(after!.value)), accessTokenOf(stack, before))
})

t.test('any refusal of a refresh ends the session, everywhere; a busy or failing SweatStack does not', async t => {
  const refusals = [
    ...(['oauth', 'fastapi'] as const).map(shape => [`SweatStack's own refusal of a revoked grant, ${shape} shaped`, { shape }] as const),
    ...[400, 401, 403, 404, 422].flatMap(status => [
      [`${status} {"error": "invalid_grant"}`, { fault: { status, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid' } } }] as const,
      [`${status} {"detail": "..."}`, { fault: { status, body: { detail: 'Refresh token not found' } } }] as const,
    ]),
  ]
  for (const [name, how] of refusals) {
    t.test(`${name}: 401 session_expired, and /auth/sweatstack/user agrees`, async t => {
      const stack = await startStack(t, { sandbox: { ...expiring.sandbox, ...('shape' in how ? { tokenErrorShape: how.shape } : {}) } })
      const browser = new Browser(stack.app)
      await signIn(browser)
      const copy = browser.cookieHeader('/')
      if ('fault' in how) stack.sandbox.sandbox.addFault({ path: '/api/v1/oauth/token', ...how.fault, times: 1 })
      else stack.sandbox.sandbox.revokeUser(athlete.id)
      const response = await browser.api('/api/v1/activities/')
      t.equal(response.statusCode, 401)
      t.equal(response.json().code, 'session_expired')
      t.equal(response.cookies.find(c => c.name === 'sweatstack_session')?.maxAge, 0, 'the cookie is cleared')
      const user = await stack.app.inject({ url: '/auth/sweatstack/user', headers: { cookie: copy } })
      t.equal(user.statusCode, 401, 'even a copy of the cookie is no longer signed in')
    })
  }
  for (const [name, fault, status] of [
    ['a 429', { status: 429, body: { detail: 'slow down' }, headers: { 'retry-after': '30' } }, 429],
    ['a 500', { status: 500, body: { detail: 'boom' } }, 502],
    ['a 503', { status: 503, body: { detail: 'maintenance' } }, 502],
    ['a timeout', { delayMs: 1500 }, 504],
    ['a reset connection', { reset: true }, 503],
  ] as const) {
    t.test(`${name}: ${status}, and the session survives`, async t => {
      const stack = await startStack(t, { ...expiring, env: { UPSTREAM_TIMEOUT_MS: '500' } })
      const browser = new Browser(stack.app)
      await signIn(browser)
      stack.sandbox.sandbox.addFault({ path: '/api/v1/oauth/token', ...fault, times: 1 })
      const failed = await browser.api('/api/v1/activities/')
      t.equal(failed.statusCode, status)
      t.notOk(failed.cookies.find(c => c.name === 'sweatstack_session' && c.maxAge === 0), 'not cleared')
      t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 200, 'still signed in')
      t.equal((await browser.api('/api/v1/activities/')).statusCode, 200, 'the next call refreshes and works')
    })
  }
  t.test('SweatStack refusing freshly refreshed tokens (401 again): the session ends', async t => {
    const stack = await startStack(t)
    const browser = new Browser(stack.app)
    await signIn(browser)
    stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', status: 401, body: { detail: 'Could not validate credentials' }, times: 2 })
    const response = await browser.api('/api/v1/activities/')
    t.equal(response.statusCode, 401)
    t.equal(response.json().code, 'session_expired')
    t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 1, 'after one refresh and one retry')
    t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 401)
  })
  t.test('SweatStack unreachable during a refresh: 503, and the session survives', async t => {
    const stack = await startStack(t, expiring)
    const browser = new Browser(stack.app)
    await signIn(browser)
    await stack.sandbox.close()
    const failed = await browser.api('/api/v1/activities/')
    t.equal(failed.statusCode, 503)
    t.equal((await browser.api('/auth/sweatstack/user')).json().userId, athlete.id)
  })
})
