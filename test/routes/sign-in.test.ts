import { createHash } from 'node:crypto'
import t from 'tap'
import { APP_URL, Browser, FRONTEND, approveAtSandbox, athlete, signIn, startStack } from '../helper.ts'
import { checkSignedInReads } from '../seeded-data-checks.ts'

t.test('a user signs in, reads activities and signs out', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)

  const login = await browser.request({ method: 'GET', url: `/auth/sweatstack/login?next=${encodeURIComponent(FRONTEND + '/activities?page=2')}` })
  t.equal(login.statusCode, 302)
  const authorize = new URL(login.headers.location as string)
  t.equal(authorize.origin + authorize.pathname, `${stack.sandbox.url}/oauth/authorize`)
  t.equal(authorize.searchParams.get('client_id'), 'sandbox-client')
  t.equal(authorize.searchParams.get('redirect_uri'), `${APP_URL}/auth/sweatstack/callback`)
  t.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
  t.match(authorize.searchParams.get('code_challenge'), /^[\w-]{43}$/)
  t.match(authorize.searchParams.get('state'), /^[\w-]{43}$/)
  t.equal(authorize.searchParams.get('scope'), 'data:read profile')
  t.equal(authorize.searchParams.get('prompt'), 'none')
  t.notOk(login.headers['set-cookie']?.toString().includes('oauth2-code-verifier'), 'no plaintext verifier cookie')
  const loginCookie = login.cookies.find(c => c.name === 'sweatstack_login')
  t.ok(loginCookie, 'pending sign-in kept in an encrypted cookie')
  t.equal(loginCookie?.path, '/auth/sweatstack')
  t.equal(loginCookie?.httpOnly, true)

  const callbackUrl = await approveAtSandbox(authorize.href, athlete.id)
  t.equal(callbackUrl.origin + callbackUrl.pathname, `${APP_URL}/auth/sweatstack/callback`)
  const callback = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
  t.equal(callback.statusCode, 302)
  t.equal(callback.headers.location, `${FRONTEND}/activities?page=2`, 'back to next')
  const session = callback.cookies.find(c => c.name === 'sweatstack_session')
  t.ok(session, 'session cookie set')
  t.equal(session?.httpOnly, true)
  t.equal(session?.sameSite, 'Lax')
  t.equal(session?.path, '/')
  t.notOk(session?.secure, 'not Secure on http')
  t.ok(session!.value.length < 4096)
  t.equal(stack.sandbox.sandbox.stats().token.authorization_code, 1)

  const user = await browser.request({ method: 'GET', url: '/auth/sweatstack/user' })
  t.equal(user.statusCode, 200)
  const me = user.json()
  t.equal(me.userId, athlete.id)
  t.equal(me.name, athlete.name)
  t.equal(me.selectedUserId, null)
  t.same(me.scopes, ['data:read', 'profile'])
  t.ok(Date.parse(me.expiresAt) > stack.clock.now() + 6 * 24 * 3600_000, 'a week-long session')
  for (const value of Object.values(me)) t.notMatch(String(value), /^ey/, 'no token in /user')

  await checkSignedInReads(t, browser, athlete.id)

  const logout = await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { 'x-csrf': '1', origin: FRONTEND } })
  t.equal(logout.statusCode, 204)
  t.equal(logout.cookies.find(c => c.name === 'sweatstack_session')?.maxAge, 0, 'session cookie cleared')
  const after = await browser.request({ method: 'GET', url: '/auth/sweatstack/user' })
  t.equal(after.statusCode, 401)
  t.equal(after.json().code, 'not_authenticated')
  const again = await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { 'x-csrf': '1', origin: FRONTEND } })
  t.equal(again.statusCode, 204, 'a second logout is harmless')
})

t.test('an API call without a session is a 401 problem, never a redirect', async t => {
  const stack = await startStack(t)
  const response = await new Browser(stack.app).api('/api/v1/activities/')
  t.equal(response.statusCode, 401)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  t.match(response.json(), { status: 401, code: 'not_authenticated', type: 'urn:sweatstack-bff:problem:not_authenticated', requestId: String })
  t.notOk(response.headers.location)
})

t.test('the PKCE verifier sent to the token endpoint matches the challenge', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const login = await browser.request({ method: 'GET', url: '/auth/sweatstack/login' })
  const challenge = new URL(login.headers.location as string).searchParams.get('code_challenge')
  // The sandbox refuses a code whose verifier does not hash to the challenge; a successful sign-in proves the pair.
  const callbackUrl = await approveAtSandbox(login.headers.location as string, athlete.id)
  const callback = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
  t.equal(callback.headers.location, `${FRONTEND}/`)
  t.ok(callback.cookies.find(c => c.name === 'sweatstack_session'))
  t.not(challenge, createHash('sha256').update('').digest('base64url'))
})

t.test('Secure __Host- cookies when APP_URL is https, so a sibling subdomain cannot shadow them', async t => {
  const stack = await startStack(t, { env: { APP_URL: 'https://bff.example.com' }, sandbox: { redirectUris: ['https://bff.example.com/auth/sweatstack/callback'] } })
  const browser = new Browser(stack.app)
  const login = await browser.request({ method: 'GET', url: '/auth/sweatstack/login' })
  t.equal(new URL(login.headers.location as string).searchParams.get('redirect_uri'), 'https://bff.example.com/auth/sweatstack/callback')
  const callback = await signIn(browser)
  for (const cookie of [...login.cookies, ...callback.cookies].filter(c => c.value !== '')) {
    t.match(cookie.name, /^__Host-sweatstack_(?:login|session)$/, `${cookie.name}: the __Host- prefix`)
    t.equal(cookie.secure, true, `${cookie.name}: Secure`)
    t.equal(cookie.path, '/', `${cookie.name}: Path=/`)
    t.equal(cookie.domain, undefined, `${cookie.name}: no Domain`)
  }
  t.ok(callback.cookies.some(c => c.name === '__Host-sweatstack_session'), 'the session cookie')
  t.equal((await browser.request({ url: '/auth/sweatstack/user' })).statusCode, 200, 'and it works')
})

t.test('signing in again starts a fresh session', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const first = browser.cookies.get('sweatstack_session')?.value
  await signIn(browser)
  t.not(browser.cookies.get('sweatstack_session')?.value, first)
  t.equal((await browser.request({ method: 'GET', url: '/auth/sweatstack/user' })).statusCode, 200)
})

t.test('/auth/sweatstack/user?optional=true answers 204 for nobody, so a status bar logs no failed request', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const nobody = await browser.request({ method: 'GET', url: '/auth/sweatstack/user?optional=true' })
  t.equal(nobody.statusCode, 204)
  t.equal(nobody.body, '')
  t.equal((await browser.request({ method: 'GET', url: '/auth/sweatstack/user' })).statusCode, 401, 'without it: 401 as before')
  t.equal((await browser.request({ method: 'GET', url: '/auth/sweatstack/user?optional=yes' })).statusCode, 400, 'optional is a boolean')
  await signIn(browser)
  const someone = await browser.request({ method: 'GET', url: '/auth/sweatstack/user?optional=true' })
  t.equal(someone.statusCode, 200)
  t.equal(someone.json().userId, athlete.id)
})
