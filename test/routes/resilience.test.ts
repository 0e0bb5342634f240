// When SweatStack is slow, down or strange: every fault knob of the sandbox against every kind of
// route, each answer a clear problem with its own code, and the session always survives.
import t from 'tap'
import { Browser, FRONTEND, eventually, signIn, startStack } from '../helper.ts'
import type { Stack } from '../helper.ts'

const TIMEOUT_MS = 600
const env = { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), SWEATSTACK_SCOPES: 'data:read data:write profile', CIRCUIT_BREAKER_THRESHOLD: '1000' }

interface Kind {
  name: string
  /** The upstream path the fault is set on. */
  upstream: (activityId: string) => string
  request: (activityId: string) => { method: 'GET' | 'POST', url: string, headers?: Record<string, string>, payload?: string }
  /** A body of this kind for a 200 the BFF cannot check (streams pass through). */
  streamed: boolean
}

const BOUNDARY = 'resilience-boundary'
const kinds: Kind[] = [
  { name: 'JSON', upstream: () => '/api/v1/activities/', request: () => ({ method: 'GET', url: '/api/v1/activities/?limit=3' }), streamed: false },
  { name: 'Parquet', upstream: id => `/api/v1/activities/${id}/data`, request: id => ({ method: 'GET', url: `/api/v1/activities/${id}/data` }), streamed: true },
  {
    name: 'upload',
    upstream: () => '/api/v1/activities/upload',
    request: () => ({
      method: 'POST',
      url: '/api/v1/activities/upload',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="a.fit"\r\nContent-Type: application/octet-stream\r\n\r\n${'x'.repeat(2000)}\r\n--${BOUNDARY}--\r\n`,
    }),
    streamed: false,
  },
  { name: 'NDJSON stream', upstream: () => '/api/v1/activities/backfill-status', request: () => ({ method: 'GET', url: '/api/v1/activities/backfill-status' }), streamed: true },
]

interface Expectation { status: number, code: string, detail: RegExp, retryAfter?: boolean }
/** A body of the kind's own type, for faults that come after the headers. */
const ownType = (kind: Kind) => kind.name === 'Parquet' ? 'application/vnd.apache.parquet' : kind.name === 'NDJSON stream' ? 'application/x-ndjson' : 'application/json'
// Once a streamed answer has begun (Parquet, NDJSON), the BFF passes it on as it comes: a failure after
// the first byte can only cut the connection, and a body it does not read cannot be judged malformed.
const TRUNCATED = JSON.stringify([{ id: '01JV7Q4ZK8W3N5T2B6X9C0D1EF', sport: 'cycling' }])
const faults: Array<{ name: string, fault: Record<string, unknown> | ((kind: Kind) => Record<string, unknown>), expect: (kind: Kind) => Expectation | 'ok' | 'cut' }> = [
  { name: 'a 500', fault: { status: 500, body: { detail: 'database on fire' } }, expect: () => ({ status: 502, code: 'upstream_error', detail: /SweatStack answered 500: database on fire/ }) },
  { name: 'a 503 with Retry-After', fault: { status: 503, headers: { 'retry-after': '7' } }, expect: () => ({ status: 502, code: 'upstream_error', detail: /503/, retryAfter: true }) },
  { name: 'a 429 with a long Retry-After', fault: { status: 429, headers: { 'retry-after': '30' }, body: { detail: 'slow down' } }, expect: () => ({ status: 429, code: 'rate_limited', detail: /slow down/, retryAfter: true }) },
  { name: 'a 404', fault: { status: 404, body: { detail: 'Activity not found' } }, expect: () => ({ status: 404, code: 'not_found', detail: /Activity not found/ }) },
  { name: 'a 422 list', fault: { status: 422, body: { detail: [{ loc: ['query', 'limit'], msg: 'too big', type: 'less_than' }] } }, expect: () => ({ status: 422, code: 'upstream_validation_failed', detail: /query limit: too big/ }) },
  { name: 'a reset connection', fault: { reset: true }, expect: () => ({ status: 503, code: 'upstream_unavailable', detail: /Could not reach SweatStack/, retryAfter: true }) },
  { name: 'latency beyond the timeout', fault: { delayMs: TIMEOUT_MS * 3 }, expect: () => ({ status: 504, code: 'upstream_timeout', detail: /took too long/ }) },
  { name: 'latency within the timeout', fault: { delayMs: 100 }, expect: () => 'ok' },
  { name: 'a malformed JSON body', fault: { status: 200, rawBody: '{"id": "01J', contentType: 'application/json' }, expect: kind => kind.name === 'Parquet' ? { status: 502, code: 'upstream_malformed', detail: /where application\/vnd.apache.parquet/ } : kind.streamed ? 'ok' : { status: 502, code: 'upstream_malformed', detail: /not valid JSON/ } },
  { name: 'a truncated body', fault: kind => ({ status: 200, rawBody: TRUNCATED, contentType: ownType(kind), truncateAfterBytes: 10 }), expect: kind => kind.streamed ? 'cut' : { status: 503, code: 'upstream_unavailable', detail: /Could not reach SweatStack/ } },
  { name: 'a slow body', fault: kind => ({ status: 200, rawBody: JSON.stringify([{ id: '01JV7Q4ZK8W3N5T2B6X9C0D1EF' }]), contentType: ownType(kind), slowBodyMs: TIMEOUT_MS / 2 }), expect: kind => kind.streamed ? 'ok' : { status: 504, code: 'upstream_timeout', detail: /took too long/ } },
  { name: 'a wrong content type', fault: { status: 200, rawBody: '<html>maintenance</html>', contentType: 'text/html' }, expect: () => ({ status: 502, code: 'upstream_malformed', detail: /text\/html/ }) },
]

async function signedIn (t: { teardown: (fn: () => unknown) => void }): Promise<{ stack: Stack, browser: Browser, activityId: string }> {
  const stack = await startStack(t, { env })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const activityId = (await browser.api('/api/v1/activities/?limit=1')).json()[0].id
  return { stack, browser, activityId }
}

// The kinds run side by side, each against a sandbox and a BFF of its own: most of this is waiting out
// the upstream time bound, which needs no CPU.
t.test('every fault against every kind of route', { jobs: kinds.length }, async t => {
  for (const kind of kinds) {
    t.test(`${kind.name} route`, async t => {
      const { stack, browser, activityId } = await signedIn(t)
      for (const { name, fault, expect } of faults) {
        const label = `${kind.name} route, ${name}`
        stack.sandbox.sandbox.clearFaults()
        stack.sandbox.sandbox.addFault({ ...(typeof fault === 'function' ? fault(kind) : fault), path: kind.upstream(activityId) } as never)
        const request = kind.request(activityId)
        const sent = browser.request({ ...request, headers: { 'x-csrf': '1', origin: FRONTEND, ...request.headers } })
        const expected = expect(kind)
        if (expected === 'cut') {
          // The browser must not get a clean, complete answer: the connection is cut or the body comes short.
          const outcome = await sent.catch((error: Error) => error)
          t.ok(outcome instanceof Error || outcome.rawPayload.length < TRUNCATED.length, `${label}: the connection is cut`)
        }
        const response = await sent.catch(() => undefined)
        if (expected === 'cut' || response === undefined) {
          t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 200, `${label}: the session survives`)
          continue
        }
        if (expected === 'ok') {
          t.ok(response.statusCode < 300, `${label}: ${response.statusCode}`)
        } else {
          t.equal(response.statusCode, expected.status, `${label}: ${expected.status}`)
          t.match(response.headers['content-type'], /^application\/problem\+json/, `${label}: problem+json`)
          const problem = response.json()
          t.equal(problem.code, expected.code, `${label}: ${expected.code}`)
          t.match(problem.detail, expected.detail, `${label}: ${problem.detail}`)
          if (expected.retryAfter) t.ok(response.headers['retry-after'], `${label}: Retry-After`)
        }
        stack.sandbox.sandbox.clearFaults()
        t.equal((await browser.api('/auth/sweatstack/user')).statusCode, 200, `${label}: the session survives`)
      }
    })
  }
})

t.test('idempotent calls are retried; POST never is', async t => {
  const { stack, browser } = await signedIn(t)
  const count = () => stack.sandbox.sandbox.stats().requests

  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', status: 503, times: 1 })
  let before = count()
  const retried = await browser.api('/api/v1/activities/?limit=1')
  t.equal(retried.statusCode, 200, 'a GET gets through after one 503')
  t.equal(count() - before, 2, 'two calls upstream')

  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', reset: true, times: 2 })
  before = count()
  t.equal((await browser.api('/api/v1/activities/?limit=1')).statusCode, 200, 'a GET gets through after two resets')
  t.equal(count() - before, 3)

  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', status: 429, headers: { 'retry-after': '0.3' }, times: 1 })
  const started = performance.now()
  t.equal((await browser.api('/api/v1/activities/?limit=1')).statusCode, 200, 'a short Retry-After is waited out')
  t.ok(performance.now() - started >= 280, 'after the Retry-After')

  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', status: 429, headers: { 'retry-after': '1' }, times: 1 })
  const tooLong = await browser.api('/api/v1/activities/?limit=1')
  t.equal(tooLong.statusCode, 429, 'a Retry-After past the call\'s time bound is passed on, not waited out')
  t.equal(tooLong.headers['retry-after'], '1')

  stack.sandbox.sandbox.addFault({ path: '/api/v1/traces/', method: 'POST', status: 503, times: 1 })
  before = count()
  const posted = await browser.api('/api/v1/traces/', { method: 'POST', headers: { 'x-csrf': '1', 'content-type': 'application/json' }, payload: JSON.stringify({ timestamp: '2026-11-01T09:30:00Z', lactate: 2 }) })
  t.equal(posted.statusCode, 502, 'a POST is not repeated')
  t.equal(count() - before, 1)
})

t.test('the circuit breaker fails fast while SweatStack is down, and recovers by itself', async t => {
  const stack = await startStack(t, { env: { ...env, CIRCUIT_BREAKER_THRESHOLD: '2', CIRCUIT_BREAKER_COOLDOWN_MS: '60000', UPSTREAM_RETRIES: '0' } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', status: 500 })
  t.equal((await browser.api('/api/v1/activities/')).statusCode, 502)
  t.equal((await browser.api('/api/v1/activities/')).statusCode, 502)
  const before = stack.sandbox.sandbox.stats().requests
  const started = performance.now()
  const fast = await browser.api('/api/v1/activities/')
  t.equal(fast.statusCode, 503)
  t.equal(fast.json().code, 'upstream_unavailable')
  t.ok(fast.headers['retry-after'])
  t.ok(performance.now() - started < 100, 'answered at once')
  t.equal(stack.sandbox.sandbox.stats().requests, before, 'without calling SweatStack')
  t.match((await stack.app.inject({ url: '/ready' })).json(), { status: 'ready', sweatstack: 'failing' })

  stack.sandbox.sandbox.clearFaults()
  stack.clock.advance(59_000)
  t.equal((await browser.api('/api/v1/activities/')).statusCode, 503, 'still failing fast within the cool-down')
  stack.clock.advance(1_000)
  t.equal((await browser.api('/api/v1/activities/')).statusCode, 200, 'after the cool-down, a call goes through and closes the circuit')
  t.equal((await browser.api('/api/v1/activities/')).statusCode, 200)
  t.match((await stack.app.inject({ url: '/ready' })).json(), { sweatstack: 'ok' })
})

t.test('a browser that goes away cancels the call to SweatStack', async t => {
  const { stack, browser } = await signedIn(t)
  await stack.app.listen({ port: 0, host: '127.0.0.1' })
  const address = stack.app.server.address() as { port: number }
  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', delayMs: 5000, times: 1 })
  const controller = new AbortController()
  const pending = fetch(`http://127.0.0.1:${address.port}/api/v1/activities/`, { headers: { cookie: browser.cookieHeader('/api/v1/activities/'), 'x-csrf': '1' }, signal: controller.signal }).catch(() => 'aborted')
  await eventually('the call to SweatStack under way', () => stack.bff.sweatstack.poolStats().running === 1)
  controller.abort()
  t.equal(await pending, 'aborted')
  // The sandbox holds the call for 5 s: ending well before that is the cancellation.
  await eventually('the call to SweatStack cancelled', () => stack.bff.sweatstack.poolStats().running === 0, 2000)
  t.pass('the call to SweatStack is cancelled with the browser\'s request')
})

t.test('an overloaded server sheds load with 503 and Retry-After, then recovers', async t => {
  const stack = await startStack(t, { env: { LOAD_SHEDDING_EVENT_LOOP_DELAY_MS: '50' } })
  // A sustained lag, as CPU-bound work would cause: 80 ms blocks with only a moment between them.
  const until = performance.now() + 800
  while (performance.now() < until) {
    const blockUntil = performance.now() + 80
    while (performance.now() < blockUntil) { /* busy */ }
    await new Promise(resolve => setImmediate(resolve))
  }
  const shed = await stack.app.inject({ url: '/auth/sweatstack/user' })
  t.equal(shed.statusCode, 503)
  t.equal(shed.json().code, 'overloaded')
  t.equal(shed.headers['retry-after'], '5')
  t.equal((await stack.app.inject({ url: '/health' })).statusCode, 200, 'liveness is not shed')
  await eventually('load shedding ends', async () => (await stack.app.inject({ url: '/auth/sweatstack/user' })).statusCode === 401, 3000)
  t.pass('back to normal once the lag is gone')
})

t.test('closing finishes requests in flight and stops within its bound', async t => {
  const { stack, browser } = await signedIn(t)
  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/', delayMs: 400, times: 1 })
  const inFlight = browser.api('/api/v1/activities/?limit=1')
  await eventually('the call to SweatStack under way', () => stack.bff.sweatstack.poolStats().running === 1)
  const started = performance.now()
  await stack.app.close()
  const response = await inFlight
  t.equal(response.statusCode, 200, 'the request in flight completed')
  t.ok(performance.now() - started < 2000, 'closed promptly')
  const after = await stack.app.inject({ url: '/health' }).catch((error: Error) => error)
  t.ok(after instanceof Error || after.statusCode === 503, 'nothing new is taken after closing')
})
