import t from 'tap'
import { Browser, FRONTEND, approveAtSandbox, athlete, startStack } from '../helper.ts'
import type { Stack } from '../helper.ts'

async function startLogin (stack: Stack, browser: Browser, next = `${FRONTEND}/here`) {
  const login = await browser.request({ method: 'GET', url: `/auth/sweatstack/login?next=${encodeURIComponent(next)}` })
  return new URL(login.headers.location as string)
}

function authError (location: unknown): string | null {
  return new URL(String(location)).searchParams.get('auth_error')
}

t.test('a callback whose state this browser never issued is refused', async t => {
  const stack = await startStack(t)
  const victim = new Browser(stack.app)
  const attacker = new Browser(stack.app)
  const authorize = await startLogin(stack, attacker)
  const callbackUrl = await approveAtSandbox(authorize.href, athlete.id)
  // Login CSRF: the attacker's completed callback URL opened in the victim's browser.
  const response = await victim.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
  t.equal(response.statusCode, 302)
  t.equal(authError(response.headers.location), 'invalid_state')
  t.equal(new URL(String(response.headers.location)).origin, FRONTEND)
  t.notOk(response.cookies.find(c => c.name === 'sweatstack_session' && c.value !== ''), 'no session')
  t.equal(stack.sandbox.sandbox.stats().token.authorization_code, 0, 'the code was never exchanged')
})

t.test('a wrong or missing state is invalid_state', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await startLogin(stack, browser)
  for (const query of ['?code=abc&state=wrong', '?code=abc', '?state=', '']) {
    const response = await browser.request({ method: 'GET', url: `/auth/sweatstack/callback${query}` })
    t.equal(authError(response.headers.location), 'invalid_state', query || 'no query')
  }
})

t.test('a state is single use', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const authorize = await startLogin(stack, browser)
  const callbackUrl = await approveAtSandbox(authorize.href, athlete.id)
  const first = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
  t.equal(first.headers.location, `${FRONTEND}/here`)
  const replay = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
  t.equal(authError(replay.headers.location), 'invalid_state')
})

t.test('the user declines at SweatStack: access_denied, back where they started', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const authorize = await startLogin(stack, browser)
  const callbackUrl = await approveAtSandbox(authorize.href, 'deny')
  t.equal(callbackUrl.searchParams.get('error'), 'access_denied')
  const response = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
  t.equal(response.headers.location, `${FRONTEND}/here?auth_error=access_denied`)
  t.equal((await browser.request({ method: 'GET', url: '/auth/sweatstack/user' })).statusCode, 401)
})

t.test('a provider error that is not a plain code is not reflected', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const authorize = await startLogin(stack, browser)
  const state = authorize.searchParams.get('state')!
  const response = await browser.request({ method: 'GET', url: `/auth/sweatstack/callback?state=${state}&error=${encodeURIComponent('<script>alert(1)</script>')}` })
  t.equal(authError(response.headers.location), 'authorization_failed')
})

t.test('a callback without a code is missing_code', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const authorize = await startLogin(stack, browser)
  const response = await browser.request({ method: 'GET', url: `/auth/sweatstack/callback?state=${authorize.searchParams.get('state')}` })
  t.equal(authError(response.headers.location), 'missing_code')
})

for (const [status, expected] of [[400, 'token_exchange_failed'], [401, 'token_exchange_failed'], [500, 'sweatstack_unavailable'], [503, 'sweatstack_unavailable']] as const) {
  t.test(`SweatStack answers the token call with ${status}: ${expected}, no session`, async t => {
    const stack = await startStack(t)
    const browser = new Browser(stack.app)
    const authorize = await startLogin(stack, browser)
    const callbackUrl = await approveAtSandbox(authorize.href, athlete.id)
    stack.sandbox.sandbox.addFault({ method: 'POST', path: '/api/v1/oauth/token', status, body: { detail: 'scripted failure', error: status === 400 ? 'invalid_grant' : undefined } })
    const response = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
    t.equal(response.statusCode, 302)
    t.equal(response.headers.location, `${FRONTEND}/here?auth_error=${expected}`)
    t.notOk(response.cookies.find(c => c.name === 'sweatstack_session' && c.value !== ''))
    t.ok(stack.logs.some(line => line.includes('"authError":"' + expected + '"')), 'the reason is logged')
  })
}

t.test('SweatStack unreachable during the token call: sweatstack_unavailable', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const authorize = await startLogin(stack, browser)
  const callbackUrl = await approveAtSandbox(authorize.href, athlete.id)
  await stack.sandbox.close()
  const response = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
  t.equal(authError(response.headers.location), 'sweatstack_unavailable')
})

t.test('next is only ever an allowed origin', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const cases: Array<[string, string]> = [
    ['https://evil.example/', `${FRONTEND}/`],
    ['//evil.example/x', `${FRONTEND}/`],
    ['/\\evil.example', `${FRONTEND}/`],
    ['javascript:alert(1)', `${FRONTEND}/`],
    [`${FRONTEND}@evil.example/`, `${FRONTEND}/`],
    ['/settings?tab=1', `${FRONTEND}/settings?tab=1`],
    ['http://localhost:8000/docs', 'http://localhost:8000/docs'],
  ]
  for (const [next, expected] of cases) {
    const authorize = await startLogin(stack, browser, next)
    const callbackUrl = await approveAtSandbox(authorize.href, athlete.id)
    const response = await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
    t.equal(response.headers.location, expected, next)
  }
})

t.test('two tabs sign in at once and both complete', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  const first = await startLogin(stack, browser, `${FRONTEND}/one`)
  const second = await startLogin(stack, browser, `${FRONTEND}/two`)
  const firstCallback = await approveAtSandbox(first.href, athlete.id)
  const secondCallback = await approveAtSandbox(second.href, athlete.id)
  const a = await browser.request({ method: 'GET', url: firstCallback.pathname + firstCallback.search })
  const b = await browser.request({ method: 'GET', url: secondCallback.pathname + secondCallback.search })
  t.equal(a.headers.location, `${FRONTEND}/one`)
  t.equal(b.headers.location, `${FRONTEND}/two`)
})
