// What the plugin gives a host app's own routes: `request.sweatstack` (and nothing else on the host), so
// they can call SweatStack themselves with the signed-in user's token.
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import sweatstackBff from '../../src/plugin.ts'
import { Browser, athlete, coach, makeSessionKey, signIn } from '../helper.ts'
import { HOST_URL, PREFIX, startHost } from './helper.ts'

/** The host's own routes: one that calls SweatStack itself, and ones that try what only the plugin's routes can do. */
function hostRoutes (sweatstackUrl: () => string) {
  return (app: FastifyInstance) => {
    app.get('/api/latest', async request => {
      const token = await request.sweatstack.accessToken()
      const response = await fetch(`${sweatstackUrl()}/api/v1/activities/?limit=2`, { headers: { authorization: `Bearer ${token}` } })
      const identity = await request.sweatstack.identity()
      return { status: response.status, activities: await response.json(), userId: identity.userId, info: await request.sweatstack.info(), scopes: request.sweatstack.grantedScopes('active') }
    })
    app.post('/api/sign-out', async request => ({ signedOut: await request.sweatstack.signOut() }))
    app.post('/api/start-sign-in', async request => request.sweatstack.startSignIn('/'))
    app.post('/api/select', async request => request.sweatstack.selectAthlete(athlete.id))
  }
}

let sandboxUrl = ''
const setup = { before: hostRoutes(() => sandboxUrl) }

t.test('a host route calls SweatStack itself with request.sweatstack.accessToken()', async t => {
  const stack = await startHost(t, setup)
  sandboxUrl = stack.sandbox.url
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  const answer = await browser.request({ url: '/api/latest' })
  t.equal(answer.statusCode, 200)
  const body = answer.json()
  t.equal(body.status, 200, 'SweatStack accepted the token')
  t.equal(body.activities.length, 2, 'and answered the signed-in user\'s data')
  t.equal(body.userId, athlete.id)
  t.equal(body.info.userId, athlete.id)
  t.notOk('accessToken' in body.info, 'info() carries no token')
  t.same(body.scopes, ['data:read', 'profile'])
  t.notOk(answer.headers['set-cookie'], 'the host\'s answer sets no cookie of the plugin\'s')
})

t.test('signed out, a host route gets a clear 401, not a 500', async t => {
  const stack = await startHost(t, setup)
  sandboxUrl = stack.sandbox.url
  for (const cookie of [undefined, 'sweatstack_session=garbage', 'sweatstack_session=', 'other=1']) {
    const answer = await stack.app.inject({ url: '/api/latest', headers: cookie === undefined ? {} : { cookie } })
    t.equal(answer.statusCode, 401, `cookie ${cookie}: 401 from Fastify's default error handler`)
    t.equal(answer.json().code, 'not_authenticated')
    t.match(answer.json().message, `${PREFIX}/auth/sweatstack/login`, 'saying where to sign in')
  }
})

t.test('a refresh on a host route is made once and reaches the browser through the plugin\'s next answer', async t => {
  // 300 s tokens: after 250 s the token is inside the 60 s refresh margin. SweatStack rotates refresh
  // tokens, so the old one must never be sent twice.
  const stack = await startHost(t, { ...setup, sandbox: { accessTokenTtlSeconds: 300, rotateRefreshTokens: true } })
  sandboxUrl = stack.sandbox.url
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  const oldCookie = browser.cookieHeader('/')
  stack.clock.advance(250_000)
  const first = await browser.request({ url: '/api/latest' })
  t.equal(first.json().status, 200, 'the host route got a fresh token')
  t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 1, 'one refresh')
  t.notOk(first.headers['set-cookie'], 'which the host\'s answer cannot carry')
  const again = await stack.app.inject({ url: '/api/latest', headers: { cookie: oldCookie } })
  t.equal(again.json().status, 200, 'the old cookie again: the same fresh token')
  t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 1, 'remembered, not refreshed again (the rotated-away token is never sent)')

  const plugin = await browser.api(`${PREFIX}/api/v1/activities/?limit=1`, { headers: { origin: HOST_URL } })
  t.equal(plugin.statusCode, 200)
  t.ok(plugin.cookies.find(cookie => cookie.name === 'sweatstack_session'), 'the plugin\'s answer stores the refreshed session in the cookie')
  t.not(browser.cookieHeader('/'), oldCookie)
  t.equal((await browser.request({ url: '/api/latest' })).json().status, 200)
  t.equal(stack.sandbox.sandbox.stats().token.refresh_token, 1, 'and from then on the cookie has the fresh token')
})

t.test('sign-out on a host route ends the session for the plugin too', async t => {
  const stack = await startHost(t, setup)
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  t.same((await browser.request({ method: 'POST', url: '/api/sign-out' })).json(), { signedOut: athlete.id })
  const after = await browser.api(`${PREFIX}/auth/sweatstack/user`, { headers: { origin: HOST_URL } })
  t.equal(after.statusCode, 401)
  t.equal(after.json().code, 'session_expired', 'the copy of the cookie the browser still holds is refused')
})

t.test('signing in and coach mode work only on the plugin\'s routes, and say so', async t => {
  const stack = await startHost(t, setup)
  const browser = new Browser(stack.app)
  await signIn(browser, coach.id, `${HOST_URL}/`, PREFIX)
  for (const url of ['/api/start-sign-in', '/api/select']) {
    const answer = await browser.request({ method: 'POST', url })
    t.equal(answer.statusCode, 500)
    t.match(answer.json().message, /works only on the plugin's own routes/, url)
  }
})

t.test('what the plugin decorates on the host: request.sweatstack, and nothing else', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const names = (object: object) => new Set(Object.getOwnPropertyNames(object))
  const before = names(app)
  await app.register(sweatstackBff, { prefix: PREFIX, clientId: 'id', clientSecret: 'secret', sessionSecret: makeSessionKey(), appUrl: HOST_URL })
  await app.ready()
  t.same([...names(app)].filter(name => !before.has(name)), [], 'no instance decorator on the host')
  t.equal(app.hasRequestDecorator('sweatstack'), true, 'request.sweatstack')
  for (const name of ['cookies', 'session', 'sweatstackSession', 'sweatstackLogin', 'isMultipart', 'corsPreflightEnabled']) {
    t.equal(app.hasRequestDecorator(name), false, `no request.${name}`)
  }
  for (const name of ['forwardToSweatStack', 'setCookie', 'cookie']) t.equal(app.hasReplyDecorator(name), false, `no reply.${name}`)
  for (const name of ['config', 'now', 'sweatstack', 'sharedState', 'events', 'redis', 'rateLimit', 'swagger', 'decodeSecureSession', 'proxyRoute', 'securityHeaders']) {
    t.equal(app.hasDecorator(name), false, `no ${name} on the host`)
  }
  t.equal(app.hasPlugin('sweatstack-bff'), true, 'registered by name')
})
