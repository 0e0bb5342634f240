import { randomBytes } from 'node:crypto'
import t from 'tap'
import { ProblemError, sessionExpired } from '../../src/errors.ts'
import { MemoryState } from '../../src/shared-state.ts'
import type { TokenResponse } from '../../src/sweatstack-client.ts'
import { TokenRefresher } from '../../src/token-refresher.ts'

/** A fake clock whose sleeps advance it at once (yielding to the event loop): waits take no real time. */
function fakeClock () {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms
      await new Promise(resolve => setImmediate(resolve))
    },
  }
  return clock
}

function setup (options: { refusal?: boolean } = {}) {
  const clock = fakeClock()
  const state = new MemoryState(clock.now)
  const key = randomBytes(32)
  const calls: string[] = []
  let release: (() => void) | undefined
  const gate = { hold: false }
  const refresh = async (refreshToken: string): Promise<TokenResponse> => {
    calls.push(refreshToken)
    if (gate.hold) await new Promise<void>(resolve => { release = resolve })
    if (options.refusal === true) throw sessionExpired('refused')
    return { access_token: `access-${calls.length}`, refresh_token: `${refreshToken}-rotated`, expires_in: 900 }
  }
  const replica = (sessionKey = key) => new TokenRefresher(refresh, state, sessionKey, { clock, rememberMs: 30_000 })
  return { clock, state, calls, gate, release: () => release?.(), replica }
}

t.test('concurrent refreshes of one token make one call, and share its answer', async t => {
  const { calls, replica } = setup()
  const refresher = replica()
  const answers = await Promise.all(Array.from({ length: 50 }, () => refresher.refresh('rt-1')))
  t.equal(calls.length, 1)
  t.equal(new Set(answers.map(answer => answer.access_token)).size, 1)
})

t.test('another replica waits for the lock holder and takes its tokens instead of refreshing again', async t => {
  const { calls, gate, release, replica } = setup()
  gate.hold = true
  const first = replica().refresh('rt-2')
  await new Promise(resolve => setImmediate(resolve))
  const second = replica().refresh('rt-2')
  await new Promise(resolve => setImmediate(resolve))
  release()
  const [a, b] = await Promise.all([first, second])
  t.equal(calls.length, 1, 'one call upstream')
  t.equal(b.access_token, a.access_token)
  t.equal(b.refresh_token, 'rt-2-rotated', 'the rotated refresh token too, so the old one is never sent again')
})

t.test('the answer is remembered for a while, for requests still carrying the old cookie', async t => {
  const { calls, clock, replica } = setup()
  const refresher = replica()
  await refresher.refresh('rt-3')
  clock.time += 29_000
  t.equal((await refresher.refresh('rt-3')).access_token, 'access-1', 'within 30 s: the same tokens')
  t.equal(calls.length, 1)
  clock.time += 2_000
  await refresher.refresh('rt-3')
  t.equal(calls.length, 2, 'later: a refresh of its own')
})

t.test('a refresh whose cookie cannot reach the browser (a host app\'s route) is remembered until its token expires', async t => {
  const { calls, clock, replica } = setup()
  const refresher = replica()
  await refresher.refresh('rt-7', undefined, { untilExpiry: true })
  clock.time += 899_000
  t.equal((await refresher.refresh('rt-7')).access_token, 'access-1', 'within the 900 s the token lives: the same tokens, no refresh')
  t.equal(calls.length, 1)
  clock.time += 2_000
  await refresher.refresh('rt-7')
  t.equal(calls.length, 2, 'after it expired: a refresh of its own')
})

t.test('a record sealed with another key (a rotated session key) is not used', async t => {
  const { calls, replica } = setup()
  await replica(randomBytes(32)).refresh('rt-4')
  await replica(randomBytes(32)).refresh('rt-4')
  t.equal(calls.length, 2)
})

t.test('a lock that is never released: 503 after the bound, without waiting in real time', async t => {
  const { state, replica } = setup()
  // Another replica took the lock and died.
  const { createHash } = await import('node:crypto')
  await state.lock(createHash('sha256').update('rt-5').digest('base64url'), 3_600_000)
  const started = performance.now()
  const error = await replica().refresh('rt-5').catch((caught: unknown) => caught) as ProblemError
  t.match(error, { code: 'upstream_unavailable', status: 503 })
  t.equal(error.headers['retry-after'], '2')
  t.ok(performance.now() - started < 1000, 'fake time')
})

t.test('a refusal is passed on and not remembered', async t => {
  const { calls, replica } = setup({ refusal: true })
  const refresher = replica()
  await t.rejects(refresher.refresh('rt-6'), { code: 'session_expired' })
  await t.rejects(refresher.refresh('rt-6'), { code: 'session_expired' })
  t.equal(calls.length, 2)
})
