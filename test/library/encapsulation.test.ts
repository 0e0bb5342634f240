// The plugin in a host app with routes of its own: the host's routes see none of the plugin's hooks,
// headers, handlers, validators or limits; the plugin's routes under /bff keep every defence. The plugin's
// routes are read from the host's route table as it is built, and every one of them is checked.
import t from 'tap'
import type { Test } from 'tap'
import { Browser, coach, concretePath, signIn } from '../helper.ts'
import { HOST_URL, PREFIX, startHost } from './helper.ts'

const FRONTEND = 'http://localhost:5173'
const EVIL = 'https://evil.example'
const UNSAFE = new Set(['POST', 'PUT', 'DELETE', 'PATCH'])

/** Headers only the plugin sets: helmet's, CORS, the request id, rate limits, caching rules. */
const PLUGIN_HEADERS = [
  'content-security-policy', 'x-content-type-options', 'x-frame-options', 'strict-transport-security', 'cross-origin-opener-policy',
  'cross-origin-resource-policy', 'origin-agent-cluster', 'referrer-policy', 'x-dns-prefetch-control', 'x-download-options',
  'x-permitted-cross-domain-policies', 'x-xss-protection', 'access-control-allow-origin', 'access-control-allow-credentials',
  'access-control-expose-headers', 'access-control-allow-methods', 'x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining',
  'x-ratelimit-reset', 'retry-after', 'cache-control', 'vary',
]

const stack = await startHost(t, {
  bff: {
    frontendOrigins: [HOST_URL, FRONTEND],
    scopes: ['data:read', 'data:write', 'profile'],
    routes: { api: true, events: true, webhooks: true, docs: true },
    webhookSecrets: ['whsec_library_encapsulation_secret'],
    passthrough: true,
    authRateLimitPerMinute: 1_000_000,
  },
  before: app => {
    app.setErrorHandler(async (error: Error & { statusCode?: number }, _request, reply) =>
      reply.code(error.statusCode ?? 500).header('x-host-error', '1').send({ host: true, message: error.message }))
    app.setNotFoundHandler(async (_request, reply) => reply.code(404).header('x-host-not-found', '1').send({ host: 'not found' }))
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><title>host</title>'))
    app.get('/api/own', async request => ({ id: request.id }))
    app.post('/api/own', { schema: { body: { type: 'object', properties: { n: { type: 'number' } } } } }, async request => request.body)
    app.get('/api/shape', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'string' } } } } } }, async () => ({ a: 'x', secret: 'y' }))
    app.post('/api/deep', async () => ({ ok: true }))
    app.get('/api/boom', async () => { throw new Error('boom') })
    app.get('/bffx', async () => ({ host: 'a route that merely starts like the prefix' }))
  },
})
const { app, sandbox } = stack
const victim = new Browser(app)
await signIn(victim, coach.id, `${HOST_URL}/`, PREFIX)
const victimCookie = victim.cookieHeader(`${PREFIX}/api/v1/`)
t.ok(victimCookie.includes('sweatstack_session='), 'the victim is signed in through the plugin under /bff')

function noPluginHeaders (t: Test, headers: Record<string, unknown>, what: string): void {
  const found = PLUGIN_HEADERS.filter(name => headers[name] !== undefined)
  t.same(found, [], `${what}: none of the plugin's headers`)
}

t.test('the host\'s own routes: none of the plugin\'s hooks, headers, handlers, validators or limits', async t => {
  const before = sandbox.sandbox.stats().requests
  const signedIn = { cookie: victimCookie, 'x-request-id': 'caller-chosen-id', origin: EVIL }
  const page = await app.inject({ url: '/', headers: signedIn })
  t.equal(page.statusCode, 200)
  noPluginHeaders(t, page.headers, 'GET /')

  const own = await app.inject({ url: '/api/own', headers: signedIn })
  t.equal(own.statusCode, 200)
  noPluginHeaders(t, own.headers, 'GET /api/own')
  t.match(own.json().id, /^req-/, 'the request id is the host\'s own (Fastify\'s), not the plugin\'s X-Request-Id')

  const forged = await app.inject({ method: 'POST', url: '/api/own', headers: { ...signedIn, 'content-type': 'application/json' }, payload: '{"n":"5"}' })
  t.equal(forged.statusCode, 200, 'a POST from another origin without X-CSRF: no anti-forgery check of the plugin\'s')
  t.same(forged.json(), { n: 5 }, 'the host\'s validator coerces as Fastify does (the plugin\'s JSON bodies are strict)')
  noPluginHeaders(t, forged.headers, 'POST /api/own')

  const shaped = await app.inject({ url: '/api/shape' })
  t.same(shaped.json(), { a: 'x' }, 'the host\'s serializer drops what its response schema lacks (the plugin\'s is JSON.stringify)')

  const deep = '['.repeat(40) + ']'.repeat(40)
  const nested = await app.inject({ method: 'POST', url: '/api/deep', headers: { 'content-type': 'application/json' }, payload: deep })
  t.equal(nested.statusCode, 200, 'the host\'s JSON parser has no nesting bound (the plugin\'s refuses more than 32 levels)')
  const nestedInPlugin = await victim.request({ method: 'PUT', url: `${PREFIX}/api/v1/activities/01JV7Q4ZK8W3N5T2B6X9C0D1EF/app-metadata`, headers: { 'x-csrf': '1', origin: HOST_URL, 'content-type': 'application/json' }, payload: deep })
  t.equal(nestedInPlugin.statusCode, 400, 'while the plugin\'s refuses it')

  const boom = await app.inject({ url: '/api/boom' })
  t.equal(boom.statusCode, 500)
  t.equal(boom.headers['x-host-error'], '1', 'a host route\'s error goes to the host\'s error handler')
  t.same(boom.json(), { host: true, message: 'boom' })
  t.notMatch(boom.headers['content-type'], /problem\+json/, 'not the plugin\'s problem+json')

  const missing = await app.inject({ url: '/no/such/route' })
  t.equal(missing.headers['x-host-not-found'], '1', 'unknown URLs outside the prefix are the host\'s')
  noPluginHeaders(t, missing.headers, 'GET /no/such/route')

  const lookalike = await app.inject({ method: 'OPTIONS', url: '/bffx', headers: { origin: FRONTEND, 'access-control-request-method': 'GET' } })
  t.notOk(lookalike.headers['access-control-allow-origin'], 'nor on a host route that merely starts like the prefix')
  noPluginHeaders(t, (await app.inject({ url: '/bffx' })).headers, 'GET /bffx')

  const preflight = await app.inject({ method: 'OPTIONS', url: '/api/own', headers: { origin: FRONTEND, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-csrf' } })
  t.notOk(preflight.headers['access-control-allow-origin'], 'no CORS of the plugin\'s on the host\'s routes')

  const many = await Promise.all(Array.from({ length: 70 }, () => app.inject({ url: '/api/own' })))
  t.same([...new Set(many.map(answer => answer.statusCode))], [200], 'no rate limit of the plugin\'s')
  t.equal(sandbox.sandbox.stats().requests, before, 'and none of it called SweatStack')
})

const pluginRoutes = stack.routes.filter(route => route.url.startsWith(`${PREFIX}/`) && route.method !== 'OPTIONS')
const hostRoutes = stack.routes.filter(route => !route.url.startsWith(`${PREFIX}/`))
t.ok(pluginRoutes.length > 60, `${pluginRoutes.length} routes of the plugin in the host's route table`)
t.same([...new Set(hostRoutes.map(route => route.url))].sort(), ['/', '/api/boom', '/api/deep', '/api/own', '/api/shape', '/bffx'], 'and only the host\'s own outside the prefix')

t.test('every route of the plugin keeps every defence under the prefix', async t => {
  const before = sandbox.sandbox.stats().requests
  let checked = 0
  for (const route of pluginRoutes) {
    const path = concretePath(route.url)
    const api = path.startsWith(`${PREFIX}/api/`)
    const gated = api || (path.startsWith(`${PREFIX}/auth/`) && UNSAFE.has(route.method))
    const body = UNSAFE.has(route.method) ? { payload: 'x' } : {}
    const what = `${route.method} ${path}`

    // A forged request: the victim's cookie, another origin, no X-CSRF, a form-like body.
    const forged = await app.inject({ method: route.method as 'GET', url: path, headers: { cookie: victimCookie, origin: EVIL, ...(UNSAFE.has(route.method) ? { 'content-type': 'text/plain' } : {}) }, ...body })
    if (gated) {
      t.equal(forged.statusCode, 403, `${what}: a forged request is refused`)
      if (route.method !== 'HEAD') t.match(forged.json().code, /^(?:csrf_header_missing|origin_not_allowed)$/)
    }
    t.equal(forged.headers['x-content-type-options'], 'nosniff', `${what}: security headers`)
    t.ok(forged.headers['x-request-id'], `${what}: a request id`)
    if (route.method !== 'HEAD' && forged.statusCode >= 400) t.match(forged.headers['content-type'], /problem\+json/, `${what}: errors are problem+json`)
    t.notOk(forged.headers['access-control-allow-origin'], `${what}: no CORS for another origin`)

    if (api) {
      // Anonymous, with the header and an allowed origin: the session is checked before anything else is read.
      const anonymous = await app.inject({ method: route.method as 'GET', url: `${path}?unknown_parameter=1`, headers: { 'x-csrf': '1', origin: FRONTEND }, ...body })
      t.equal(anonymous.statusCode, 401, `${what}: signed out, 401`)
      t.equal(anonymous.headers['cache-control'], 'no-store', `${what}: private`)
      t.equal(anonymous.headers['access-control-allow-origin'], FRONTEND, `${what}: CORS for a frontend origin`)
    }
    if ((api || path.startsWith(`${PREFIX}/auth/`)) && route.url.includes('/:') && route.method !== 'HEAD') {
      // A path id that is not one, signed in and with the header: refused before SweatStack is called.
      const bad = route.url.replace(/:\w+/, 'bad.id')
      const refused = await victim.request({ method: route.method as 'GET', url: concretePath(bad), headers: { 'x-csrf': '1', origin: HOST_URL } })
      t.equal(refused.statusCode, 400, `${route.method} ${bad}: a malformed path id is a 400`)
      t.equal(refused.json().code, 'invalid_request')
    }
    checked++
  }
  t.comment(`${checked} routes of the plugin checked`)
  t.equal(sandbox.sandbox.stats().requests, before, 'none of these requests reached SweatStack')
  const me = await victim.request({ url: `${PREFIX}/auth/sweatstack/user`, headers: { 'x-csrf': '1' } })
  t.equal(me.statusCode, 200, 'the victim is still signed in')
  t.equal(me.json().selectedUserId, null, 'and was never switched to another athlete')
})

t.test('CORS answers preflights under the prefix for the frontend origins only', async t => {
  const paths = [...new Set(pluginRoutes.map(route => concretePath(route.url)))]
  for (const path of paths) {
    const allowed = await app.inject({ method: 'OPTIONS', url: path, headers: { origin: FRONTEND, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-csrf' } })
    t.equal(allowed.headers['access-control-allow-origin'], FRONTEND, `${path}: the frontend may call`)
    t.equal(allowed.headers['access-control-allow-credentials'], 'true')
    const refused = await app.inject({ method: 'OPTIONS', url: path, headers: { origin: EVIL, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-csrf' } })
    t.notOk(refused.headers['access-control-allow-origin'], `${path}: another origin may not`)
  }
})

t.test('unknown URLs under the prefix are the plugin\'s; what the host\'s router refuses stays refused', async t => {
  const unknown = await app.inject({ url: `${PREFIX}/no/such/route` })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'route_not_found')
  t.match(unknown.json().detail, `see ${PREFIX}/docs`)
  t.equal(unknown.headers['x-content-type-options'], 'nosniff')
  t.ok(unknown.headers['x-ratelimit-limit'], 'and rate limited like sign-in')
  t.notOk(unknown.headers['x-host-not-found'])

  // Router-level refusals happen before any route, so they are the host's (Fastify's default answer here).
  const before = sandbox.sandbox.stats().requests
  const badUrl = await victim.request({ url: `${PREFIX}/api/v1/activities/%ff`, headers: { 'x-csrf': '1' } })
  t.equal(badUrl.statusCode, 400, 'a bad percent-encoding is refused by the host\'s router')
  const longSegment = await victim.request({ url: `${PREFIX}/api/v1/activities/${'a'.repeat(150)}`, headers: { 'x-csrf': '1' } })
  t.ok(longSegment.statusCode >= 400 && longSegment.statusCode < 500, `a segment over the host's maxParamLength (Fastify's default 100) is refused too (${longSegment.statusCode})`)
  const long = await victim.request({ url: `${PREFIX}/api/v1/activities/${'a'.repeat(80)}`, headers: { 'x-csrf': '1', origin: HOST_URL } })
  t.equal(long.statusCode, 400, 'under it, the plugin\'s own bound on ids (64 characters) refuses it')
  t.equal(sandbox.sandbox.stats().requests, before, 'none reached SweatStack')
})

t.test('the plugin\'s rate limit is for its /auth routes and unknown URLs, per client, and never the host\'s', async t => {
  const limited = await startHost(t, { bff: { authRateLimitPerMinute: 3 }, before: app => { app.get('/api/own', async () => ({ ok: true })) } })
  for (let i = 0; i < 3; i++) t.equal((await limited.app.inject({ url: `${PREFIX}/auth/sweatstack/login` })).statusCode, 302)
  const refused = await limited.app.inject({ url: `${PREFIX}/auth/sweatstack/login` })
  t.equal(refused.statusCode, 429)
  t.equal(refused.json().code, 'rate_limited')
  t.ok(Number(refused.headers['retry-after']) > 0)
  for (let i = 0; i < 10; i++) {
    const own = await limited.app.inject({ url: '/api/own' })
    t.equal(own.statusCode, 200)
    t.notOk(own.headers['x-ratelimit-remaining'], 'the host\'s route: no limit, no rate-limit headers')
  }
})

t.test('HSTS on the plugin\'s answers only, when the app is on https', async t => {
  const https = await startHost(t, { bff: { appUrl: 'https://app.example.com' }, before: app => { app.get('/', async () => 'host') } })
  t.match((await https.app.inject({ url: `${PREFIX}/health` })).headers['strict-transport-security'], /max-age=31536000/)
  t.notOk((await https.app.inject({ url: '/' })).headers['strict-transport-security'], 'the host decides its own')
})
