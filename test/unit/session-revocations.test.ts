import t from 'tap'
import { MemoryState } from '../../src/shared-state.ts'
import { SessionRevocations } from '../../src/session-revocations.ts'
import type { EndedSessions } from '../../src/session-revocations.ts'

const DAY = 86_400_000

function setup () {
  const clock = { time: Date.parse('2026-05-18T12:00:00Z') }
  const now = () => clock.time
  const state = new MemoryState(now)
  return { clock, state, replica: () => new SessionRevocations(state, now) }
}

t.test('an ended session is ended until it would have expired anyway', async t => {
  const { clock, replica } = setup()
  const revocations = replica()
  const started = clock.time
  t.equal(await revocations.isEnded('sid-1', 'user', started), false)
  await revocations.endSession('sid-1', started + 7 * DAY)
  t.equal(await revocations.isEnded('sid-1', 'user', started), true)
  t.equal(await revocations.isEnded('sid-2', 'user', started), false, 'only that session')
  clock.time += 7 * DAY
  t.equal(await revocations.isEnded('sid-1', 'user', started), false, 'forgotten once the session could not live anyway')
})

t.test('ending every session of a user covers the sessions started before, and none after', async t => {
  const { clock, replica } = setup()
  const revocations = replica()
  const before = clock.time - 1000
  clock.time += 5
  await revocations.endEverySession('user', 7 * DAY)
  t.equal(await revocations.isEnded('a', 'user', before), true)
  t.equal(await revocations.isEnded('b', 'someone-else', before), false)
  clock.time += 1
  t.equal(await revocations.isEnded('c', 'user', clock.time), false, 'a sign-in a millisecond later is a new session')
})

t.test('every replica hears of an ending, so open streams can close; a later cut-off is kept', async t => {
  const { clock, replica } = setup()
  const here = replica()
  const there = replica()
  const heard: EndedSessions[] = []
  const stop = there.onEnded(ended => heard.push(ended))
  await here.endSession('sid-9', clock.time + DAY)
  await here.endEverySession('user', DAY)
  t.same(heard.map(ended => ended.kind), ['session', 'user'])
  t.ok(SessionRevocations.covers(heard[0]!, 'sid-9', 'anyone', 0))
  t.notOk(SessionRevocations.covers(heard[0]!, 'sid-8', 'anyone', 0))
  t.ok(SessionRevocations.covers(heard[1]!, 'other-sid', 'user', clock.time - 1))
  t.notOk(SessionRevocations.covers(heard[1]!, 'other-sid', 'user', clock.time + 1))
  stop()
  await here.endSession('sid-10', clock.time + DAY)
  t.equal(heard.length, 2, 'a listener that stopped hears nothing more')
})
