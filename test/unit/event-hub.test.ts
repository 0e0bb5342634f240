import t from 'tap'
import { EventHub } from '../../src/event-hub.ts'
import type { LiveEvent } from '../../src/event-hub.ts'
import { MemoryState } from '../../src/shared-state.ts'

const event = (userId: string, type = 'activity_created') => ({ user_id: userId, event_type: type, resource_id: 'r', timestamp: '2026-05-18T12:00:00Z' })

t.test('events reach the subscribers of their user, on every replica, and are replayed within the window', async t => {
  const clock = { time: Date.parse('2026-05-18T12:00:00Z') }
  const state = new MemoryState(() => clock.time)
  const here = new EventHub(state, 300, () => clock.time)
  const there = new EventHub(state, 300, () => clock.time)
  const alice: LiveEvent[] = []
  const bob: LiveEvent[] = []
  const stopAlice = there.subscribe(['alice'], e => alice.push(e))
  there.subscribe(['bob'], e => bob.push(e))
  const first = await here.publish(event('alice'))
  const second = await here.publish(event('alice', 'activity_updated'))
  t.same(alice.map(e => e.event_type), ['activity_created', 'activity_updated'], 'published on one replica, heard on the other')
  t.same(bob, [], 'nobody else\'s')
  t.ok(second.id > first.id, 'ids order events')
  t.same(there.since(first.id, ['alice']).map(e => e.id), [second.id], 'what came after the last seen id')
  clock.time += 301_000
  t.same(there.since(first.id, ['alice']), [], 'older than the replay window: gone')
  stopAlice()
  t.equal(there.listenerCount, 1)
})
