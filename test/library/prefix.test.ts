// The plugin under a prefix: every route moves under it, and so does everything made from paths: the
// OAuth redirect URI, the login cookie's path, Swagger UI's URLs, the answers' own hints.
import Fastify from 'fastify'
import t from 'tap'
import sweatstackBff from '../../src/plugin.ts'
import { TestClock } from '../calendar.ts'
import { Browser, approveAtSandbox, athlete, makeSessionKey, signIn, startTestSandbox } from '../helper.ts'
import { HOST_URL, PREFIX, startHost } from './helper.ts'

const CALLBACK = `${HOST_URL}${PREFIX}/auth/sweatstack/callback`

t.test('sign-in end to end under /bff, with the sandbox accepting only the prefixed redirect URI', async t => {
  const stack = await startHost(t, { sandbox: { redirectUris: [CALLBACK] } })
  const browser = new Browser(stack.app)

  const login = await browser.request({ url: `${PREFIX}/auth/sweatstack/login?next=/` })
  t.equal(login.statusCode, 302)
  const authorize = new URL(String(login.headers.location))
  t.equal(authorize.origin, stack.sandbox.url, 'to SweatStack\'s authorize page')
  t.equal(authorize.searchParams.get('redirect_uri'), CALLBACK, 'the redirect URI is appUrl + prefix + the callback path')
  const loginCookie = login.cookies.find(cookie => cookie.name === 'sweatstack_login')
  t.equal(loginCookie?.path, `${PREFIX}/auth/sweatstack`, 'the pending sign-in\'s cookie is for the prefixed sign-in routes only')
  t.equal(loginCookie?.httpOnly, true)

  const callback = await approveAtSandbox(authorize.href, athlete.id)
  t.equal(callback.origin + callback.pathname, CALLBACK, 'SweatStack sends the browser back under the prefix')
  const back = await browser.request({ url: callback.pathname + callback.search })
  t.equal(back.statusCode, 302)
  t.equal(back.headers.location, `${HOST_URL}/`, 'to `next` on the app\'s own origin')
  const session = back.cookies.find(cookie => cookie.name === 'sweatstack_session')
  t.equal(session?.path, '/', 'the session cookie is for the whole app, so the host\'s own routes get it too')
  t.equal(session?.sameSite, 'Lax')

  const activities = await browser.api(`${PREFIX}/api/v1/activities/?limit=3`, { headers: { origin: HOST_URL } })
  t.equal(activities.statusCode, 200)
  t.equal(activities.json().length, 3, 'SweatStack\'s data through the BFF under the prefix')
  const me = await browser.api(`${PREFIX}/auth/sweatstack/user`, { headers: { origin: HOST_URL } })
  t.equal(me.json().userId, athlete.id)

  t.equal((await stack.app.inject({ url: '/auth/sweatstack/login' })).statusCode, 404, 'nothing at the unprefixed paths')
  t.equal((await stack.app.inject({ url: '/api/v1/activities/' })).statusCode, 404)

  const logout = await browser.api(`${PREFIX}/auth/sweatstack/logout`, { method: 'POST', headers: { origin: HOST_URL } })
  t.equal(logout.statusCode, 204)
  const after = await browser.api(`${PREFIX}/auth/sweatstack/user`, { headers: { origin: HOST_URL } })
  t.equal(after.statusCode, 401)
  t.match(after.json().detail, `${PREFIX}/auth/sweatstack/login`, 'the 401 says where to sign in, prefix included')
})

t.test('a form post to sign out returns to the app', async t => {
  const stack = await startHost(t)
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  const form = await browser.request({ method: 'POST', url: `${PREFIX}/auth/sweatstack/logout`, headers: { origin: HOST_URL, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'next=/goodbye' })
  t.equal(form.statusCode, 303)
  t.equal(form.headers.location, `${HOST_URL}/goodbye`)
})

t.test('on https the cookies are __Host- cookies for Path=/, as browsers require', async t => {
  const stack = await startHost(t, { bff: { appUrl: 'https://app.example.com' } })
  const login = await stack.app.inject({ url: `${PREFIX}/auth/sweatstack/login` })
  const cookie = login.cookies.find(c => c.name === '__Host-sweatstack_login')
  t.equal(cookie?.path, '/')
  t.equal(cookie?.secure, true)
  t.equal(new URL(String(login.headers.location)).searchParams.get('redirect_uri'), `https://app.example.com${PREFIX}/auth/sweatstack/callback`)
})

t.test('Swagger UI and the OpenAPI document under the prefix', async t => {
  const stack = await startHost(t, { bff: { routes: { docs: true } } })
  const page = await stack.app.inject({ url: `${PREFIX}/docs/` })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  const document = (await stack.app.inject({ url: `${PREFIX}/openapi.json` })).json()
  const paths = Object.keys(document.paths)
  t.ok(paths.length > 30, `${paths.length} paths`)
  t.same(paths.filter(path => !path.startsWith(`${PREFIX}/`)), [], 'every path carries the prefix')
  t.ok(document.paths[`${PREFIX}/api/v1/activities/`], 'e.g. the activities')
  const script = page.body.match(/src="\.?\/?([^"]*session-bar\.js)"/)?.[1]
  t.ok(script, 'the page loads the session bar')
  const bar = await stack.app.inject({ url: `${PREFIX}/docs/${script!.replace(/^.*docs\//, '')}` })
  t.equal(bar.statusCode, 200)
  t.match(bar.body, `${PREFIX}/auth/sweatstack/user?optional=true`, 'the session bar asks the prefixed routes')
  t.match(bar.body, encodeURIComponent(`${HOST_URL}${PREFIX}/docs`), 'and signs in back to the prefixed /docs')
})

t.test('in a host context that has a prefix of its own, the prefixes add up', async t => {
  const clock = new TestClock()
  const sandbox = await startTestSandbox(t, clock)
  const app = Fastify()
  await app.register(async scope => {
    await scope.register(sweatstackBff, { prefix: PREFIX, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', sessionSecret: makeSessionKey(), appUrl: HOST_URL, sweatstackUrl: sandbox.url, now: clock.now, loadSheddingEventLoopDelayMs: 0 })
  }, { prefix: '/app' })
  t.teardown(() => app.close())
  const login = await app.inject({ url: `/app${PREFIX}/auth/sweatstack/login` })
  t.equal(login.statusCode, 302)
  t.equal(new URL(String(login.headers.location)).searchParams.get('redirect_uri'), `${HOST_URL}/app${PREFIX}/auth/sweatstack/callback`)
  t.equal(login.cookies.find(c => c.name === 'sweatstack_login')?.path, `/app${PREFIX}/auth/sweatstack`)
  t.equal((await app.inject({ url: `/app${PREFIX}/health` })).statusCode, 200)
})

t.test('without a prefix the routes are at the root, and unknown URLs stay the host\'s', async t => {
  const stack = await startHost(t, {
    bff: { prefix: '/' },
    after: app => app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ host: 'not found' })),
  })
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id, `${HOST_URL}/`)
  t.equal((await browser.api('/api/v1/activities/?limit=1', { headers: { origin: HOST_URL } })).statusCode, 200)
  t.equal(browser.cookies.size, 1, 'signed in (the pending sign-in\'s cookie is gone)')
  const unknown = await stack.app.inject({ url: '/no/such/route' })
  t.same(unknown.json(), { host: 'not found' }, 'the host set its own not-found handler after the plugin, and it answers')
})
