// The plugin's options are checked at register, before anything listens, by the same code as the
// standalone server's environment (src/config.ts): a ConfigError listing every problem, in the options'
// names. Their defaults suit a host app serving its own page.
import Fastify from 'fastify'
import t from 'tap'
import sweatstackBff, { ConfigError } from '../../src/plugin.ts'
import type { SweatStackBffOptions } from '../../src/plugin.ts'
import { Browser, athlete, makeSessionKey, signIn } from '../helper.ts'
import { HOST_URL, PREFIX, startHost } from './helper.ts'

const valid: SweatStackBffOptions = { clientId: 'id', clientSecret: 'secret', sessionSecret: makeSessionKey(), appUrl: HOST_URL, prefix: PREFIX }

/** The problems register reports for these options (and that it reports them before ready, as a ConfigError). */
async function problemsOf (t: Tap, options: Record<string, unknown>): Promise<string[]> {
  const app = Fastify()
  t.teardown(() => app.close())
  const error = await (async () => { await app.register(sweatstackBff, options as never) })().catch((caught: unknown) => caught)
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`)
  t.match(error.message, /^sweatstack-bff cannot start: \d+ problems? in the options of the sweatstack-bff plugin\n {2}- /)
  return error.problems
}
type Tap = { teardown: (fn: () => unknown) => void, match: (found: unknown, wanted: RegExp) => void }

t.test('a missing client secret is named, as the environment\'s is today', async t => {
  const { clientSecret, ...withoutSecret } = valid
  t.same(await problemsOf(t, withoutSecret), ['clientSecret is missing: set both clientId and clientSecret (from your app at SweatStack).'])
  t.same(await problemsOf(t, { ...withoutSecret, clientId: '' }), ['clientId and clientSecret are missing: set both clientId and clientSecret (from your app at SweatStack).'], 'no sandbox mode in a host app')
  t.ok(clientSecret)
})

t.test('today\'s messages, in the options\' names, every problem at once', async t => {
  const problems = await problemsOf(t, {
    clientId: 'id',
    clientSecret: 'secret',
    sessionSecret: ['A'.repeat(43), 'short'],
    appUrl: 'ftp://example.com',
    frontendOrigins: ['https://app.example.com/path'],
    scopes: ['data:read', 'everything'],
    loginPrompt: 'sometimes',
    logLevel: 'loud',
    sessionMaxAgeSeconds: 5,
    upstreamRetries: 1.5,
    redisUrl: 'http://user:pw@redis',
    webhookSecrets: ['short'],
    passthrough: 'yes',
    prefix: '/bff/',
    routes: { api: true, admin: true },
    now: 'today',
    clientSecrect: 'typo',
  })
  const expected = [
    '"clientSecrect" is not an option of sweatstack-bff',
    'prefix: "/bff/" is not a path like /bff (a leading slash, no trailing one).',
    'routes: "admin" is not a route group; the groups are api, events, webhooks, docs.',
    'now: must be a function answering epoch milliseconds.',
    'sessionSecret: key 2 decodes to 3 bytes, not 32. Make one with:',
    'scopes: "everything" is not a SweatStack scope; use a space-separated list of data:read, data:write, profile, openid, offline_access.',
    'loginPrompt: "sometimes" is not one of none, login, consent, select_account, default.',
    'appUrl: "ftp://example.com" is not an http(s) URL like https://example.com (no query string).',
    'frontendOrigins: "https://app.example.com/path" is not an origin like https://app.example.com (scheme, host and port only).',
    'logLevel: "loud" is not one of fatal, error, warn, info, debug, trace, silent.',
    'sessionMaxAgeSeconds: "5" is not a whole number from 60 to 34560000.',
    'upstreamRetries: "1.5" is not a whole number from 0 to 5.',
    'redisUrl: "http://***@redis" is not a redis:// or rediss:// URL.',
    'webhookSecrets: each secret must be the one SweatStack shows for your app (whsec_..., at least 16 characters).',
    'passthrough: "yes" is not true or false.',
  ]
  for (const start of expected) t.ok(problems.some(problem => problem.startsWith(start)), start)
  t.equal(problems.length, expected.length, 'one problem each')
  t.notMatch(problems.join('\n'), /SWEATSTACK_|APP_URL|FRONTEND_ORIGINS|LOG_LEVEL|REDIS_URL|SESSION_MAX_AGE/, 'no environment variable named')
})

t.test('a missing or bad session key says how to make one', async t => {
  const { sessionSecret, ...without } = valid
  const [missing] = await problemsOf(t, without)
  t.match(missing, /^sessionSecret is missing\. Make one \(32 random bytes, url-safe base64\) with:\n\s+node -e .*randomBytes\(32\)/)
  t.match(missing, /put the new key first: sessionSecret: \[newKey, oldKey\]/)
  t.same(await problemsOf(t, { ...valid, sessionSecret: [] }), [missing], 'no keys is a missing key')
  t.match((await problemsOf(t, { ...valid, sessionSecret: 'A'.repeat(20) }))[0], /^sessionSecret: key 1 decodes to 15 bytes, not 32/)
  t.ok(sessionSecret)
})

t.test('a missing appUrl, and no frontend origin', async t => {
  const { appUrl, ...without } = valid
  t.same(await problemsOf(t, without), ['appUrl is missing: give your app\'s public URL, e.g. https://app.example.com (the BFF\'s routes are there, under prefix).'])
  t.same(await problemsOf(t, { ...valid, frontendOrigins: [] }), ['frontendOrigins is empty: give the origin of your frontend, e.g. http://localhost:5173.'])
  t.ok(appUrl)
})

t.test('nothing is registered, nothing listens, when the options are bad', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.get('/', async () => 'host')
  await t.rejects(async () => { await app.register(sweatstackBff, { ...valid, appUrl: 'nope' }) }, ConfigError)
  t.equal(app.hasRequestDecorator('sweatstack'), false)
})

t.test('the defaults: the app\'s own origin as the frontend, data:read profile, API and events on, webhooks and docs off', async t => {
  const stack = await startHost(t)
  const login = await stack.app.inject({ url: `${PREFIX}/auth/sweatstack/login` })
  const authorize = new URL(String(login.headers.location))
  t.equal(authorize.searchParams.get('scope'), 'data:read profile')
  t.equal(authorize.searchParams.get('prompt'), 'none')
  const preflight = await stack.app.inject({ method: 'OPTIONS', url: `${PREFIX}/api/v1/activities/`, headers: { origin: HOST_URL, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-csrf' } })
  t.equal(preflight.headers['access-control-allow-origin'], HOST_URL, 'the app\'s own origin is the frontend origin')
  const other = await stack.app.inject({ method: 'OPTIONS', url: `${PREFIX}/api/v1/activities/`, headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } })
  t.notOk(other.headers['access-control-allow-origin'], 'and no other')
  t.equal((await stack.app.inject({ url: `${PREFIX}/api/v1/activities/`, headers: { 'x-csrf': '1' } })).statusCode, 401, 'the API is on')
  t.equal((await stack.app.inject({ url: `${PREFIX}/api/v1/events`, headers: { 'x-csrf': '1' } })).statusCode, 401, 'the event stream is on')
  t.equal((await stack.app.inject({ method: 'POST', url: `${PREFIX}/webhooks/sweatstack` })).json().code, 'route_not_found', 'no webhook route')
  t.equal((await stack.app.inject({ url: `${PREFIX}/docs/` })).json().code, 'route_not_found', 'no Swagger UI')
  t.equal((await stack.app.inject({ url: `${PREFIX}/openapi.json` })).statusCode, 404)
  t.equal((await stack.app.inject({ url: `${PREFIX}/health` })).statusCode, 200, 'health always')
  t.equal((await stack.app.inject({ url: `${PREFIX}/ready` })).statusCode, 200)
})

t.test('route groups switch on and off', async t => {
  const stack = await startHost(t, { bff: { routes: { api: false, events: true, webhooks: true }, webhookSecrets: ['whsec_library_options_secret'] } })
  t.equal((await stack.app.inject({ url: `${PREFIX}/api/v1/activities/`, headers: { 'x-csrf': '1' } })).statusCode, 404, 'no API')
  t.equal((await stack.app.inject({ url: `${PREFIX}/api/v1/events`, headers: { 'x-csrf': '1' } })).statusCode, 401, 'the event stream alone, with the API group\'s rules')
  t.equal((await stack.app.inject({ url: `${PREFIX}/api/v1/events` })).statusCode, 403, 'anti-forgery included')
  const webhook = await stack.app.inject({ method: 'POST', url: `${PREFIX}/webhooks/sweatstack`, headers: { 'content-type': 'application/json' }, payload: '{}' })
  t.equal(webhook.json().code, 'bad_signature', 'the webhook route checks signatures')
})

t.test('the other options reach the BFF', async t => {
  const oldKey = makeSessionKey()
  const stack = await startHost(t, { bff: { sessionSecret: [makeSessionKey(), oldKey], loginPrompt: 'default', scopes: ['data:read'], logLevel: 'silent' } })
  const login = await stack.app.inject({ url: `${PREFIX}/auth/sweatstack/login` })
  const authorize = new URL(String(login.headers.location))
  t.equal(authorize.searchParams.get('scope'), 'data:read')
  t.equal(authorize.searchParams.has('prompt'), false, 'loginPrompt: default sends none')
  const browser = new Browser(stack.app)
  const linesBefore = stack.logs.length
  await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  t.equal(stack.logs.length, linesBefore, 'logLevel: silent quiets the plugin\'s routes in the host\'s logger')
  const me = await browser.api(`${PREFIX}/auth/sweatstack/user`, { headers: { origin: HOST_URL } })
  t.same(me.json().scopes, ['data:read'])
})
