import t from 'tap'
import { Browser, athlete, makeSessionKey, signIn, startStack } from '../helper.ts'

t.test('a tampered, truncated or garbage cookie is an anonymous request, never a 500', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const good = decodeURIComponent(browser.cookies.get('sweatstack_session')!.value)
  const flipped = good.slice(0, 10) + (good[10] === 'A' ? 'B' : 'A') + good.slice(11)
  for (const value of [flipped, good.slice(0, good.length / 2), 'garbage', ';', '%%%', good + good, 'a;b', '']) {
    const response = await stack.app.inject({ url: '/api/v1/activities/', headers: { cookie: `sweatstack_session=${encodeURIComponent(value)}`, 'x-csrf': '1' } })
    t.equal(response.statusCode, 401, `cookie ${value.slice(0, 20)}…`)
    t.equal(response.json().code, 'not_authenticated')
  }
})

t.test('a session past its maximum age is session_expired', async t => {
  const stack = await startStack(t)
  const old = stack.bff.createSecureSession({
    principal: { userId: athlete.id, name: null, accessToken: 'x', refreshToken: 'y', expiresAt: 0, scopes: [] },
    sid: 'old-session',
    createdAt: stack.clock.now() - 8 * 24 * 3600_000,
  })
  const cookie = encodeURIComponent(stack.bff.encodeSecureSession(old))
  const response = await stack.app.inject({ url: '/api/v1/activities/', headers: { cookie: `sweatstack_session=${cookie}`, 'x-csrf': '1' } })
  t.equal(response.statusCode, 401)
  t.equal(response.json().code, 'session_expired')
  t.equal(response.cookies.find(c => c.name === 'sweatstack_session')?.maxAge, 0, 'and the cookie is cleared')
})

t.test('a session made before sessions had ids cannot be signed out, so it ends at once', async t => {
  const stack = await startStack(t)
  const withoutId = stack.bff.createSecureSession({
    principal: { userId: athlete.id, name: null, accessToken: 'x', refreshToken: 'y', expiresAt: 0, scopes: [] },
    createdAt: stack.clock.now() - 60_000,
  })
  const cookie = encodeURIComponent(stack.bff.encodeSecureSession(withoutId))
  const response = await stack.app.inject({ url: '/api/v1/activities/', headers: { cookie: `sweatstack_session=${cookie}`, 'x-csrf': '1' } })
  t.equal(response.statusCode, 401)
  t.equal(response.json().code, 'session_expired')
  t.equal(response.cookies.find(c => c.name === 'sweatstack_session')?.maxAge, 0, 'and the cookie is cleared')
})

t.test('after a key rotation, sessions of the old key still work and get the new key', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const rotated = await startStack(t, { env: { SWEATSTACK_URL: stack.sandbox.url, SWEATSTACK_SESSION_SECRET: `${makeSessionKey()},${stack.sessionKey}` } })
  const after = new Browser(rotated.app)
  after.cookies.set('sweatstack_session', browser.cookies.get('sweatstack_session')!)
  const response = await after.api('/auth/sweatstack/user')
  t.equal(response.statusCode, 200)
  t.ok(response.cookies.find(c => c.name === 'sweatstack_session'), 're-encrypted with the new key')

  const removed = await startStack(t, { env: { SWEATSTACK_URL: stack.sandbox.url, SWEATSTACK_SESSION_SECRET: makeSessionKey() } })
  const gone = new Browser(removed.app)
  gone.cookies.set('sweatstack_session', browser.cookies.get('sweatstack_session')!)
  t.equal((await gone.api('/auth/sweatstack/user')).statusCode, 401, 'a removed key\'s session is anonymous')
})
