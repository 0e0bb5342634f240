// The plugin beside the ecosystem plugins a host app may have registered already: it reuses the host's
// @fastify/cookie (before or after it), leaves the host's own session alone, keeps its own rate limits
// over the host's @fastify/rate-limit, uploads through the host's @fastify/multipart, and refuses to run
// under a host's @fastify/cors (which would answer its preflights).
import { Readable } from 'node:stream'
import cookie from '@fastify/cookie'
import cors from '@fastify/cors'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import secureSession from '@fastify/secure-session'
import Fastify from 'fastify'
import t from 'tap'
import sweatstackBff from '../../src/plugin.ts'
import { Browser, athlete, makeSessionKey, signIn } from '../helper.ts'
import { HOST_URL, PREFIX, startHost } from './helper.ts'

const api = { 'x-csrf': '1', origin: HOST_URL }

for (const when of ['before', 'after'] as const) {
  t.test(`the host's @fastify/cookie, registered ${when} the plugin, is reused`, async t => {
    const setup = (app: import('fastify').FastifyInstance) => app.register(cookie, { secret: 'the host signs its own cookies with this' })
    const stack = await startHost(t, {
      [when]: setup,
      before: async app => {
        if (when === 'before') await setup(app)
        app.get('/api/cookies', async request => ({ names: Object.keys(request.cookies).sort(), me: (await request.sweatstack.info()).userId }))
        app.get('/api/signed', async (_request, reply) => reply.setCookie('host', 'value', { signed: true, path: '/' }).send({ ok: true }))
      },
    })
    t.equal(stack.app.hasPlugin('@fastify/cookie'), true)
    const browser = new Browser(stack.app)
    await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
    t.equal((await browser.api(`${PREFIX}/api/v1/activities/?limit=1`, { headers: api })).statusCode, 200, 'signed in under /bff')
    const own = await browser.request({ url: '/api/cookies' })
    t.equal(own.statusCode, 200)
    t.same(own.json(), { names: ['sweatstack_session'], me: athlete.id }, 'the host\'s routes read the session cookie the host\'s plugin parsed')
    t.match(String((await stack.app.inject({ url: '/api/signed' })).headers['set-cookie']), /^host=value\./, 'and the host\'s cookie plugin is still the host\'s (signed with its secret)')
  })
}

t.test('a host without @fastify/cookie: the plugin\'s stays inside it', async t => {
  const stack = await startHost(t, { before: app => { app.get('/api/me', async request => (await request.sweatstack.info()).userId) } })
  t.equal(stack.app.hasRequestDecorator('cookies'), false, 'the host\'s requests have no cookies decorator')
  t.equal(stack.app.hasReplyDecorator('setCookie'), false)
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  t.equal((await browser.request({ url: '/api/me' })).body, athlete.id, 'the host route reads the cookie from the header itself')
})

t.test('the host\'s own request.session (@fastify/secure-session) and the plugin\'s session live side by side', async t => {
  const stack = await startHost(t, {
    before: async app => {
      await app.register(secureSession, { key: Buffer.from(makeSessionKey(), 'base64url'), cookieName: 'host_session', cookie: { path: '/' } })
      app.get('/api/visits', async request => {
        // The host's own session, with its own fields.
        const session = request.session as unknown as { get (key: 'visits'): number | undefined, set (key: 'visits', value: number): void }
        const visits = (session.get('visits') ?? 0) + 1
        session.set('visits', visits)
        return { visits, me: (await request.sweatstack.info()).userId }
      })
    },
  })
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  t.same((await browser.request({ url: '/api/visits' })).json(), { visits: 1, me: athlete.id })
  t.same((await browser.request({ url: '/api/visits' })).json(), { visits: 2, me: athlete.id }, 'the host\'s session works')
  t.equal((await browser.api(`${PREFIX}/api/v1/activities/?limit=1`, { headers: api })).statusCode, 200, 'and so does the plugin\'s')
  t.same([...browser.cookies.keys()].sort(), ['host_session', 'sweatstack_session'])
})

t.test('over the host\'s @fastify/rate-limit, the plugin\'s limits and answers are its own', async t => {
  const stack = await startHost(t, {
    bff: { authRateLimitPerMinute: 2 },
    before: async app => {
      await app.register(rateLimit, { global: false, errorResponseBuilder: () => ({ statusCode: 429, host: 'limited' }) })
      app.get('/api/limited', { config: { rateLimit: { max: 1, timeWindow: '1 minute' } } }, async () => ({ ok: true }))
    },
  })
  for (let i = 0; i < 2; i++) t.equal((await stack.app.inject({ url: `${PREFIX}/auth/sweatstack/login` })).statusCode, 302)
  const refused = await stack.app.inject({ url: `${PREFIX}/auth/sweatstack/login` })
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /problem\+json/)
  t.equal(refused.json().code, 'rate_limited', 'the plugin\'s problem, not the host\'s answer')
  t.equal((await stack.app.inject({ url: '/api/limited' })).statusCode, 200)
  t.equal((await stack.app.inject({ url: '/api/limited' })).json().host, 'limited', 'the host\'s own limit is untouched')
})

t.test('uploads go through the host\'s @fastify/multipart with the plugin\'s limits', async t => {
  const stack = await startHost(t, {
    bff: { scopes: ['data:read', 'data:write', 'profile'], uploadMaxFileBytes: 1000 },
    before: async app => { await app.register(multipart) },
  })
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  const boundary = 'host-plugins-boundary'
  const body = (bytes: number) => Readable.from([`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="ride.fit"\r\nContent-Type: application/octet-stream\r\n\r\n`, Buffer.alloc(bytes, 7), `\r\n--${boundary}--\r\n`])
  const upload = (bytes: number) => browser.request({ method: 'POST', url: `${PREFIX}/api/v1/activities/upload`, headers: { ...api, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body(bytes) })
  const accepted = await upload(500)
  t.ok(accepted.statusCode >= 200 && accepted.statusCode < 300, `a small file reaches SweatStack (${accepted.statusCode})`)
  const tooLarge = await upload(5000)
  t.equal(tooLarge.statusCode, 413)
  t.equal(tooLarge.json().code, 'file_too_large', 'the plugin\'s uploadMaxFileBytes, not the host\'s multipart limits')
})

t.test('under the host\'s @fastify/cors the plugin refuses to start, and says why', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(cors, { origin: true, credentials: true })
  await t.rejects(
    async () => app.register(sweatstackBff, { prefix: PREFIX, clientId: 'id', clientSecret: 'secret', sessionSecret: makeSessionKey(), appUrl: HOST_URL }),
    /@fastify\/cors is registered where sweatstack-bff is.*encapsulated context of your own routes/s
  )
})
