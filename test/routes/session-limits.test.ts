import t from 'tap'
import { Browser, athlete, coach, signIn, startStack } from '../helper.ts'
import type { Stack } from '../helper.ts'
import type { SessionIdentity } from '../../plugins/app/session/session-data.ts'

/** A session cookie made directly with the BFF's key, for times a test cannot wait for. */
function craftCookie (stack: Stack, fields: Record<string, unknown>): string {
  return `sweatstack_session=${encodeURIComponent(stack.bff.encodeSecureSession(stack.bff.createSecureSession(fields)))}`
}

async function signedInIdentity (stack: Stack, userId: string): Promise<SessionIdentity> {
  const browser = new Browser(stack.app)
  await signIn(browser, userId)
  return stack.bff.decodeSecureSession(decodeURIComponent(browser.cookies.get('sweatstack_session')!.value))!.get('principal')!
}

t.test('idle and absolute limits are enforced from inside the cookie, on the BFF\'s clock', async t => {
  const limits = { SESSION_IDLE_TIMEOUT: '3600', SESSION_MAX_AGE: '86400' }
  const stack = await startStack(t, { env: limits })
  const user = (browser: Browser) => browser.request({ url: '/auth/sweatstack/user' })

  const idle = new Browser(stack.app)
  await signIn(idle)
  stack.clock.advance(3599_000)
  t.equal((await user(idle)).statusCode, 200, 'used just within the idle timeout')
  stack.clock.advance(3601_000)
  const unused = await user(idle)
  t.equal(unused.statusCode, 401)
  t.match(unused.json(), { code: 'session_expired', detail: /unused/ })

  const busy = new Browser(stack.app)
  await signIn(busy)
  let elapsed = 0
  while (elapsed + 3000 < 86400) {
    stack.clock.advance(3000_000)
    elapsed += 3000
    const response = await user(busy)
    if (response.statusCode !== 200) t.fail(`used every 3000 s: ${response.statusCode} after ${elapsed} s`)
  }
  t.pass(`used every 3000 s for ${elapsed} s: still signed in`)
  stack.clock.advance((86400 - elapsed) * 1000)
  const old = await user(busy)
  t.equal(old.statusCode, 401, 'but never past the maximum age')
  t.match(old.json(), { code: 'session_expired', detail: /at most/ })
})

t.test('a recently used session is not rewritten; an older one is touched with the remaining lifetime', async t => {
  const stack = await startStack(t, { env: { SESSION_IDLE_TIMEOUT: '3600', SESSION_MAX_AGE: '86400' } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  stack.clock.advance(10_000)
  const recent = await browser.request({ url: '/auth/sweatstack/user' })
  t.equal(recent.statusCode, 200)
  t.notOk(recent.headers['set-cookie'], 'no Set-Cookie for a session used seconds ago')

  stack.clock.advance(600_000)
  const stale = await browser.request({ url: '/auth/sweatstack/user' })
  const touched = stale.cookies.find(c => c.name === 'sweatstack_session')
  t.ok(touched, 'touched after the touch interval')
  t.ok(touched!.maxAge! <= 86400 - 610 && touched!.maxAge! > 86400 - 620, `Max-Age is what is left of the maximum age (${touched!.maxAge})`)
  const lastSeen = stack.bff.decodeSecureSession(touched!.value)!.get('lastSeenAt')!
  t.ok(Math.abs(stack.clock.now() - lastSeen) < 5000, 'last seen: now, on the BFF\'s clock')
})

t.test('the largest realistic session fits a browser cookie', async t => {
  const stack = await startStack(t)
  const principal = await signedInIdentity(stack, coach.id)
  const selected = await signedInIdentity(stack, athlete.id)
  const cookie = craftCookie(stack, { sid: 'x'.repeat(22), principal: { ...principal, name: 'Coach Carter-Lindqvist Montgomery' }, selected, createdAt: stack.clock.now(), lastSeenAt: stack.clock.now() })
  const bytes = Buffer.byteLength(cookie)
  t.ok(principal.accessToken.length > 600, `real-size RS256 access tokens (${principal.accessToken.length} chars)`)
  t.ok(bytes < 4096, `coach with an athlete selected: ${bytes} bytes`)
  t.comment(`cookie budget: ${bytes} of 4096 bytes for a coach with an athlete selected`)
})

t.test('a session too large for a cookie fails the sign-in loudly instead of vanishing', async t => {
  // The user's name is kept in the session: a 3000-character one overflows it, as larger tokens would.
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  stack.sandbox.sandbox.addFault({ path: '/api/v1/oauth/userinfo', status: 200, body: { sub: athlete.id, name: 'x'.repeat(3000), registered_at: '2024-01-01T00:00:00Z' }, times: 1 })
  const response = await signIn(browser)
  t.equal(response.statusCode, 302)
  t.match(String(response.headers.location), /auth_error=session_too_large/)
  t.notOk(response.cookies.find(c => c.name === 'sweatstack_session' && c.value !== ''), 'no oversized cookie sent')
  t.ok(stack.logs.some(line => line.includes('too large for browsers')), 'logged as an error')
})
