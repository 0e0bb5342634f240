import t from 'tap'
import { signWebhook } from '../../src/webhook-signature.ts'
import { sandboxUsers } from '@sweatstack-bff/sandbox'
import { CLOCK_START } from '../calendar.ts'
import { Browser, FRONTEND, athlete, coach, eventually, signIn, startStack } from '../helper.ts'
import type { Stack } from '../helper.ts'
import { openEventStream } from '../sse-client.ts'

const SECRET = 'whsec_sandbox_test_secret_1'
const OLD_SECRET = 'whsec_sandbox_test_secret_0'
const other = sandboxUsers.find(user => user.role === 'athlete' && user.id !== athlete.id)!

function webhook (stack: Stack, body: object, options: { secret?: string, t?: number, signature?: string } = {}) {
  const payload = JSON.stringify(body)
  const t = options.t ?? stack.clock.seconds()
  const signature = options.signature ?? `t=${t},v1=${signWebhook(options.secret ?? SECRET, t, payload)}`
  return stack.app.inject({ method: 'POST', url: '/webhooks/sweatstack', headers: { 'content-type': 'application/json', 'x-sweatstack-signature': signature }, payload })
}

// Each event is another delivery (SweatStack stamps each); a body sent twice is a replay.
let sequence = 0
const event = (userId: string, type = 'activity_created') => ({ user_id: userId, event_type: type, resource_id: '01JV7Q4ZK8W3N5T2B6X9C0D1EF', timestamp: new Date(Date.parse(CLOCK_START) + sequence++ * 1000).toISOString() })

async function listening (stack: Stack) {
  await stack.app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(stack.app.server.address() as { port: number }).port}`
}

t.test('webhooks: signed by any current secret, fresh, once', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_WEBHOOK_SECRETS: `${SECRET},${OLD_SECRET}` } })
  const started = performance.now()
  t.equal((await webhook(stack, event(athlete.id))).statusCode, 204, 'a good signature: 204')
  t.ok(performance.now() - started < 2000, 'answered within SweatStack\'s 2 s')
  t.equal((await webhook(stack, event(athlete.id, 'activity_updated'), { secret: OLD_SECRET })).statusCode, 204, 'the previous secret still works during a roll')
  for (const [name, options] of [
    ['a wrong secret', { secret: 'whsec_somebody_else_entirely' }],
    ['a stale timestamp', { t: stack.clock.seconds() - 360 }],
    ['a timestamp from the future', { t: stack.clock.seconds() + 360 }],
    ['no signature', { signature: '' }],
    ['a malformed signature', { signature: 'v1=abc' }],
  ] as const) {
    const response = await webhook(stack, event(athlete.id), options)
    t.equal(response.statusCode, 401, `${name}: 401`)
    t.equal(response.json().code, 'bad_signature')
  }
  const tampered = JSON.stringify(event(athlete.id))
  const t0 = stack.clock.seconds()
  const forged = await stack.app.inject({ method: 'POST', url: '/webhooks/sweatstack', headers: { 'content-type': 'application/json', 'x-sweatstack-signature': `t=${t0},v1=${signWebhook(SECRET, t0, tampered)}` }, payload: tampered.replace(athlete.id, other.id) })
  t.equal(forged.statusCode, 401, 'a body changed after signing: 401')

  const url = await listening(stack)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const stream = await openEventStream(`${url}/api/v1/events`, { cookie: browser.cookieHeader('/api/v1/events'), origin: FRONTEND })
  const once = event(athlete.id)
  const first = await webhook(stack, once)
  const replay = await webhook(stack, once)
  t.equal(first.statusCode, 204)
  t.equal(replay.statusCode, 204, 'a replay is acknowledged...')
  // Events arrive in order: when the next delivery has arrived, a replay would have arrived before it.
  const next = event(athlete.id, 'activity_updated')
  t.equal((await webhook(stack, next)).statusCode, 204)
  const received = await stream.waitFor(2)
  t.same(received.map(e => JSON.parse(e.data).event_type), ['activity_created', 'activity_updated'], '...and ignored')
  await stream.close()
})

t.test('without webhook secrets the route answers 404', async t => {
  const stack = await startStack(t)
  const response = await webhook(stack, event(athlete.id))
  t.equal(response.statusCode, 404)
  t.equal(response.json().code, 'webhooks_not_configured')
})

t.test('live events reach the user\'s browsers, and only theirs', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_WEBHOOK_SECRETS: SECRET, SSE_HEARTBEAT_SECONDS: '1', SWEATSTACK_SCOPES: 'data:read data:write profile' } })
  const url = await listening(stack)
  stack.sandbox.sandbox.setWebhooks({ url: `${url}/webhooks/sweatstack`, secret: SECRET })
  const alice = new Browser(stack.app)
  await signIn(alice)
  const bob = new Browser(stack.app)
  await signIn(bob, other.id)
  const coachBrowser = new Browser(stack.app)
  await signIn(coachBrowser, coach.id)
  await coachBrowser.request({ method: 'POST', url: `/auth/sweatstack/select-user/${athlete.id}`, headers: { 'x-csrf': '1', origin: FRONTEND } })

  const open = (browser: Browser) => openEventStream(`${url}/api/v1/events`, { cookie: browser.cookieHeader('/api/v1/events'), origin: FRONTEND })
  const aliceStream = await open(alice)
  t.equal(aliceStream.status, 200)
  t.match(aliceStream.headers['content-type'], /^text\/event-stream/)
  t.equal(aliceStream.headers['access-control-allow-origin'], FRONTEND, 'the frontend may read it (EventSource withCredentials)')
  const bobStream = await open(bob)
  const coachStream = await open(coachBrowser)

  // Alice uploads a file: SweatStack processes it and sends webhooks, which become live events.
  const boundary = 'live'
  const upload = await alice.request({ method: 'POST', url: '/api/v1/activities/upload', headers: { 'x-csrf': '1', origin: FRONTEND, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="ride.fit"\r\n\r\n${'x'.repeat(1000)}\r\n--${boundary}--\r\n` })
  t.equal(upload.statusCode, 200)
  const received = await aliceStream.waitFor(2)
  t.same(received.map(e => e.event).sort(), ['activity_created', 'source_processed'])
  const created = JSON.parse(received.find(e => e.event === 'activity_created')!.data)
  t.match(created, { user_id: athlete.id, event_type: 'activity_created', resource_id: /^[0-9A-Z]{26}$/, timestamp: String, id: String })
  t.equal((await alice.api(`/api/v1/activities/${created.resource_id}`)).statusCode, 200, 'the new activity can be read')
  t.equal((await coachStream.waitFor(2)).length, 2, 'the coach with Alice selected sees them too')
  // Alice's events were sent first: had any reached Bob, it would come before his own.
  t.equal((await webhook(stack, event(other.id))).statusCode, 204)
  t.same((await bobStream.waitFor(1)).map(e => JSON.parse(e.data).user_id), [other.id], 'Bob sees his own event and nothing of Alice\'s')
  await eventually('a heartbeat', () => aliceStream.comments.includes('ping'), 3000)
  t.pass('heartbeats keep the stream alive')

  // A browser that reconnects with Last-Event-ID gets what it missed.
  const lastSeen = received[0]!.id!
  const resumed = await openEventStream(`${url}/api/v1/events`, { cookie: alice.cookieHeader('/api/v1/events'), origin: FRONTEND, 'last-event-id': lastSeen })
  const replayed = await resumed.waitFor(1)
  t.equal(replayed[0]!.id, received[1]!.id, 'the missed event is replayed')

  for (const stream of [aliceStream, bobStream, coachStream, resumed]) await stream.close()
  await eventually('no listener left', () => stack.bff.events.listenerCount === 0)
  t.pass('closed streams leave no listener behind')
})

t.test('the event stream needs a session and an allowed origin', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  t.equal((await browser.request({ url: '/api/v1/events', headers: { origin: FRONTEND } })).statusCode, 401)
  await signIn(browser)
  const elsewhere = await browser.request({ url: '/api/v1/events', headers: { origin: 'https://evil.example' } })
  t.equal(elsewhere.statusCode, 403)
})
