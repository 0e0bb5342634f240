import { randomBytes } from 'node:crypto'
import type { SharedState } from './shared-state.ts'

/** A SweatStack webhook event, as delivered to browsers over server-sent events. */
export interface LiveEvent {
  id: string
  user_id: string
  event_type: string
  resource_id: string | null
  timestamp: string
}

type Listener = (event: LiveEvent) => void

/**
 * Fans events out to the event streams of every replica (through the shared state) and keeps the
 * last few minutes of them, so a browser that reconnects with Last-Event-ID gets what it missed on
 * whichever replica it lands.
 */
export class EventHub {
  readonly #state: SharedState
  readonly #replayMs: number
  readonly #listeners = new Map<string, Set<Listener>>()
  readonly #recent: LiveEvent[] = []
  #sequence = 0

  readonly #now: () => number

  constructor (state: SharedState, replaySeconds: number, now: () => number = Date.now) {
    this.#state = state
    this.#now = now
    this.#replayMs = replaySeconds * 1000
    state.onMessage('events', message => {
      let event: LiveEvent
      try {
        event = JSON.parse(message) as LiveEvent
      } catch {
        return
      }
      this.#remember(event)
      for (const listener of this.#listeners.get(event.user_id) ?? []) listener(event)
    })
  }

  /** Publishes an event to every replica; its id orders events (time first) for Last-Event-ID. */
  async publish (event: Omit<LiveEvent, 'id'>): Promise<LiveEvent> {
    const id = `${this.#now().toString(36).padStart(9, '0')}-${(this.#sequence++ % 1296).toString(36).padStart(2, '0')}${randomBytes(3).toString('hex')}`
    const live = { id, ...event }
    await this.#state.publish('events', JSON.stringify(live))
    return live
  }

  /** Listens to the events of these users; returns the unsubscribe function. */
  subscribe (userIds: readonly string[], listener: Listener): () => void {
    for (const userId of userIds) {
      let set = this.#listeners.get(userId)
      if (set === undefined) this.#listeners.set(userId, set = new Set())
      set.add(listener)
    }
    return () => {
      for (const userId of userIds) {
        const set = this.#listeners.get(userId)
        set?.delete(listener)
        if (set?.size === 0) this.#listeners.delete(userId)
      }
    }
  }

  /** The events for these users after `lastEventId`, within the replay window. */
  since (lastEventId: string, userIds: readonly string[]): LiveEvent[] {
    this.#forgetOld()
    return this.#recent.filter(event => event.id > lastEventId && userIds.includes(event.user_id))
  }

  get listenerCount (): number {
    let count = 0
    for (const set of this.#listeners.values()) count += set.size
    return count
  }

  #remember (event: LiveEvent): void {
    this.#recent.push(event)
    this.#forgetOld()
  }

  #forgetOld (): void {
    const oldest = (this.#now() - this.#replayMs).toString(36).padStart(9, '0')
    while (this.#recent.length > 0 && (this.#recent[0]!.id < oldest || this.#recent.length > 10_000)) this.#recent.shift()
  }
}
