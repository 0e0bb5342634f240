// Two BFF replicas sharing one real Redis: sessions, refreshes, rate limits and live events work
// across them, and losing Redis degrades to in-process behaviour instead of failing.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { signWebhook } from '../../src/webhook-signature.ts'
import { TestClock } from '../calendar.ts'
import { Browser, FRONTEND, REDIS_SERVER, athlete, buildBff, checkLogsAtEnd, eventually, makeSessionKey, requireTool, signIn, startRedis, startTestSandbox } from '../helper.ts'
import type { Bff } from '../helper.ts'
import { openEventStream } from '../sse-client.ts'

const SECRET = 'whsec_replicas_test_secret'

/** The sandbox and two replicas on one clock. */
async function replicas (t: { teardown: (fn: () => unknown) => void }, redisUrl: string, sandboxOptions = {}) {
  const clock = new TestClock()
  const sandbox = await startTestSandbox(t, clock, sandboxOptions)
  const env = { REDIS_URL: redisUrl, SWEATSTACK_SESSION_SECRET: makeSessionKey(), SWEATSTACK_WEBHOOK_SECRETS: SECRET, LOG_LEVEL: 'info' }
  const replica = async () => {
    const bff = await buildBff(t, sandbox.url, env, { clock })
    checkLogsAtEnd(t, sandbox, bff.logs, bff.config)
    await bff.app.listen({ port: 0, host: '127.0.0.1' })
    return bff
  }
  return { sandbox, a: await replica(), b: await replica(), replica }
}

const urlOf = (replica: Bff) => `http://127.0.0.1:${(replica.app.server.address() as { port: number }).port}`

function postWebhook (replica: Bff, body: object) {
  const payload = JSON.stringify(body)
  const time = replica.clock.seconds()
  return replica.app.inject({ method: 'POST', url: '/webhooks/sweatstack', headers: { 'content-type': 'application/json', 'x-sweatstack-signature': `t=${time},v1=${signWebhook(SECRET, time, payload)}` }, payload })
}

t.test('two replicas on one Redis', async t => {
  if (!requireTool(t, REDIS_SERVER, 'redis-server (or set REDIS_SERVER_PATH)')) return
  const redis = await startRedis(t)

  t.test('50 concurrent calls with an expiring token, spread over both replicas: one refresh (rotation on)', async t => {
    const { sandbox, a, b } = await replicas(t, redis.url, { accessTokenTtlSeconds: 30, rotateRefreshTokens: true })
    const browser = new Browser(a.app)
    await signIn(browser)
    const cookie = browser.cookieHeader('/api/v1/activities/')
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      (i % 2 === 0 ? a : b).app.inject({ url: '/api/v1/activities/?limit=1', headers: { cookie, 'x-csrf': '1' } })))
    t.same(responses.map(r => r.statusCode), Array(50).fill(200), '50 successes')
    t.equal(sandbox.sandbox.stats().token.refresh_token, 1, 'exactly one refresh upstream, whichever replica won')
    t.match((await b.app.inject({ url: '/ready' })).json(), { sharedState: 'redis' })
  })

  t.test('a webhook received by one replica reaches a browser on the other; 1000 of them, timed', async t => {
    const { a, b } = await replicas(t, redis.url)
    const browser = new Browser(a.app)
    await signIn(browser)
    const stream = await openEventStream(`${urlOf(b)}/api/v1/events`, { cookie: browser.cookieHeader('/api/v1/events'), origin: FRONTEND })
    const sentAt: number[] = []
    const total = 1000
    for (let i = 0; i < total; i++) {
      sentAt.push(performance.now())
      const response = await postWebhook(a, { user_id: athlete.id, event_type: 'activity_updated', resource_id: `resource-${i}`, timestamp: '2026-05-18T20:59:00Z' })
      if (response.statusCode !== 204) t.fail(`webhook ${i}: ${response.statusCode}`)
    }
    const events = await stream.waitFor(total, 30_000)
    await stream.close()
    const latencies = events.map(event => event.at - sentAt[Number(JSON.parse(event.data).resource_id.split('-')[1])]!).sort((x, y) => x - y)
    const median = latencies[Math.floor(total / 2)]!
    const p99 = latencies[Math.floor(total * 0.99)]!
    t.equal(events.length, total, 'every event arrived on the other replica')
    t.ok(p99 < 1000, `webhook received → event delivered: median ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`)
    t.comment(`webhook → SSE across replicas through Redis, ${total} events: median ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`)
    t.equal((await postWebhook(b, { user_id: athlete.id, event_type: 'activity_updated', resource_id: 'resource-0', timestamp: 'dup' })).statusCode, 204)
  })

  t.test('replays are recognised across replicas', async t => {
    const { a, b } = await replicas(t, redis.url)
    const browser = new Browser(a.app)
    await signIn(browser)
    const stream = await openEventStream(`${urlOf(a)}/api/v1/events`, { cookie: browser.cookieHeader('/api/v1/events'), origin: FRONTEND })
    const body = { user_id: athlete.id, event_type: 'test_created', resource_id: 'once', timestamp: '2026-05-18T20:59:00Z' }
    const payload = JSON.stringify(body)
    const time = a.clock.seconds()
    const headers = { 'content-type': 'application/json', 'x-sweatstack-signature': `t=${time},v1=${signWebhook(SECRET, time, payload)}` }
    t.equal((await a.app.inject({ method: 'POST', url: '/webhooks/sweatstack', headers, payload })).statusCode, 204)
    t.equal((await b.app.inject({ method: 'POST', url: '/webhooks/sweatstack', headers, payload })).statusCode, 204, 'the same delivery at the other replica is acknowledged')
    // Events arrive in order: when the next delivery has arrived, a second copy would have arrived before it.
    t.equal((await postWebhook(b, { ...body, resource_id: 'next' })).statusCode, 204)
    t.same((await stream.waitFor(2)).map(e => JSON.parse(e.data).resource_id), ['once', 'next'], 'and delivered once')
    await stream.close()
  })

  t.test('the /auth rate limit is counted across replicas', async t => {
    const sandbox = await startTestSandbox(t, new TestClock())
    const env = { REDIS_URL: redis.url, AUTH_RATE_LIMIT: '4' }
    const a = await buildBff(t, sandbox.url, env)
    const b = await buildBff(t, sandbox.url, env)
    const statuses = []
    for (let i = 0; i < 6; i++) statuses.push((await (i % 2 === 0 ? a : b).app.inject({ url: '/auth/sweatstack/login', remoteAddress: '203.0.113.50' })).statusCode)
    t.same(statuses, [302, 302, 302, 302, 429, 429])
  })

  t.test('sign-out holds on every replica, and comes back after Redis restarts empty', async t => {
    const own = await startRedis(t)
    const { a, b, replica } = await replicas(t, own.url)
    const browser = new Browser(a.app)
    await signIn(browser)
    const stolen = browser.cookieHeader('/')
    const stillIn = new Browser(b.app)
    await signIn(stillIn)
    const replayOn = (replica: Bff, cookie: string) => replica.app.inject({ url: '/api/v1/activities/?limit=1', headers: { cookie, 'x-csrf': '1' } })

    t.equal((await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { 'x-csrf': '1', origin: FRONTEND } })).statusCode, 204, 'signed out on A')
    for (const [name, replica] of [['A', a], ['B', b]] as const) t.equal((await replayOn(replica, stolen)).statusCode, 401, `the stolen copy is refused on ${name}`)
    t.equal((await replayOn(b, stillIn.cookieHeader('/'))).statusCode, 200, 'the user\'s other session lives on')

    // Redis dies and comes back empty: the replicas write back what they know.
    await own.stop()
    for (const replica of [a, b]) t.equal((await replayOn(replica, stolen)).statusCode, 401, 'refused while Redis is down (each replica remembers)')
    await own.start()
    await eventually('B reconnected to Redis', async () => (await b.app.inject({ url: '/ready' })).json().sharedState === 'redis', 10_000)
    // The replicas write back what they know on reconnecting; a condition here would have to accept the
    // stolen cookie to find out, so give the write-back a moment instead.
    await sleep(200)
    const fresh = await replica()
    t.equal((await replayOn(fresh, stolen)).statusCode, 401, 'a replica started after the restart, knowing nothing itself, refuses it too: the record is back in Redis')

    const otherCopy = stillIn.cookieHeader('/')
    t.equal((await stillIn.request({ method: 'POST', url: '/auth/sweatstack/logout-everywhere', headers: { 'x-csrf': '1', origin: FRONTEND } })).statusCode, 204, 'signed out everywhere on B')
    for (const [name, other] of [['A', a], ['a new replica', fresh]] as const) t.equal((await replayOn(other, otherCopy)).statusCode, 401, `every session refused on ${name}`)
  })

  t.test('Redis stopped mid-test: the replicas keep serving on in-process state, and /ready says so', async t => {
    const own = await startRedis(t)
    const { sandbox, a, b } = await replicas(t, own.url, { accessTokenTtlSeconds: 30 })
    const browser = new Browser(a.app)
    await signIn(browser)
    t.equal((await browser.api('/api/v1/activities/?limit=1')).statusCode, 200)
    await own.stop()
    const unavailable = async (replica: Bff) => (await replica.app.inject({ url: '/ready' })).json().sharedState === 'redis-unavailable'
    await eventually('both replicas notice Redis is gone', async () => await unavailable(a) && await unavailable(b))
    const cookie = browser.cookieHeader('/api/v1/activities/')
    for (const replica of [a, b]) {
      const response = await replica.app.inject({ url: '/api/v1/activities/?limit=1', headers: { cookie, 'x-csrf': '1' } })
      t.equal(response.statusCode, 200, 'API calls still work (tokens refreshed in-process)')
      t.match((await replica.app.inject({ url: '/ready' })).json(), { status: 'ready', sharedState: 'redis-unavailable' })
    }
    t.ok(sandbox.sandbox.stats().token.refresh_token >= 1)
    const stream = await openEventStream(`${urlOf(a)}/api/v1/events`, { cookie: browser.cookieHeader('/api/v1/events'), origin: FRONTEND })
    t.equal((await postWebhook(a, { user_id: athlete.id, event_type: 'activity_created', resource_id: 'x', timestamp: '2026-05-18T20:59:00Z' })).statusCode, 204)
    t.equal((await stream.waitFor(1)).length, 1, 'live events still reach browsers on the same replica')
    await stream.close()
    await eventually('a warning in the log', () => a.logs.some(line => line.includes('Redis is unreachable')))
    t.pass('with a warning in the log')
  })
})
