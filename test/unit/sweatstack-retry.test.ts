import t from 'tap'
import { backoffMs, fitsBefore, retryDelayMs } from '../../src/sweatstack-client.ts'

t.test('backoff doubles with ±25 % jitter', async t => {
  for (const [attempt, base] of [[1, 100], [2, 200], [3, 400]] as const) {
    for (let i = 0; i < 200; i++) {
      const wait = backoffMs(attempt)
      if (wait < base * 0.75 || wait > base * 1.25) t.fail(`attempt ${attempt}: ${wait} ms`)
    }
  }
  t.pass('600 draws within bounds')
})

t.test('Retry-After is honoured up to 2 s, in seconds or as a date; longer is passed on instead', async t => {
  const now = Date.parse('2026-05-18T12:00:00Z')
  t.equal(retryDelayMs(1, '1', now), 1000)
  t.equal(retryDelayMs(1, '0', now), 0)
  t.equal(retryDelayMs(1, '3', now), null, 'longer than we wait')
  t.equal(retryDelayMs(1, 'Mon, 18 May 2026 12:00:01 GMT', now), 1000)
  t.equal(retryDelayMs(1, 'Mon, 18 May 2026 11:59:00 GMT', now), 0, 'a date in the past: at once')
  const fallback = retryDelayMs(2, 'soon', now)!
  t.ok(fallback >= 150 && fallback <= 250, 'unreadable: the usual backoff')
})

t.test('a retry waits only if it can finish before the call\'s deadline', async t => {
  t.ok(fitsBefore(undefined, 10_000), 'no deadline')
  t.ok(fitsBefore(Date.now() + 1000, 500))
  t.notOk(fitsBefore(Date.now() + 1000, 1500))
})
