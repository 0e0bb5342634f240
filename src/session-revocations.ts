import type { SharedState } from './shared-state.ts'

/** One session ended (signed out), or every session of a user started before `before` (signed out everywhere). */
export type EndedSessions =
  | { kind: 'session', sid: string, expiresAt: number }
  | { kind: 'user', userId: string, before: number, expiresAt: number }

/** More than this many records are never mirrored on one replica; Redis still holds them all. */
const MAX_MIRRORED = 100_000

/**
 * Sign-out that holds server-side. The session cookie is self-contained, so a copy taken before
 * sign-out would stay valid until its maximum age; this records what has ended until then, in the
 * shared state (Redis across replicas), checked on every signed-in request.
 *
 * Every replica also mirrors the records it sees (its own and, through publish/subscribe, everyone
 * else's), so that it knows them while Redis is away and writes them back when Redis returns (a
 * restarted Redis forgets). Listeners hear of each ending, so open event streams can close.
 */
export class SessionRevocations {
  readonly #state: SharedState
  readonly #now: () => number
  readonly #mirror = new Map<string, EndedSessions>()
  readonly #listeners = new Set<(ended: EndedSessions) => void>()

  constructor (state: SharedState, now: () => number = Date.now) {
    this.#state = state
    this.#now = now
    state.onMessage('sessions', message => {
      let ended: EndedSessions
      try {
        ended = JSON.parse(message) as EndedSessions
      } catch {
        return
      }
      this.#remember(ended)
    })
    state.onReconnect(() => { this.#restore().catch(() => {}) })
  }

  /** Ends one session for good; `expiresAt` (epoch ms) is when it would have ended anyway. */
  async endSession (sid: string, expiresAt: number): Promise<void> {
    await this.#record({ kind: 'session', sid, expiresAt })
  }

  /** Ends every session of `userId` that started before now, on every replica. */
  async endEverySession (userId: string, maxAgeMs: number): Promise<void> {
    const now = this.#now()
    await this.#record({ kind: 'user', userId, before: now, expiresAt: now + maxAgeMs })
  }

  /** Whether the session `sid` of `userId`, started at `createdAt` (epoch ms), has been ended. */
  async isEnded (sid: string, userId: string, createdAt: number): Promise<boolean> {
    if (this.#endedHere(sid, userId, createdAt)) return true
    const [session, user] = await this.#state.getMany([keyOf({ kind: 'session', sid }), keyOf({ kind: 'user', userId })])
    return session !== null || (user !== null && createdAt < Number(user))
  }

  /** Hears every ending, from any replica (this one included). */
  onEnded (listener: (ended: EndedSessions) => void): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  /** Which sessions an ending covers. */
  static covers (ended: EndedSessions, sid: string, userId: string, createdAt: number): boolean {
    return ended.kind === 'session' ? ended.sid === sid : ended.userId === userId && createdAt < ended.before
  }

  async #record (ended: EndedSessions): Promise<void> {
    this.#remember(ended)
    await this.#write(ended)
    await this.#state.publish('sessions', JSON.stringify(ended))
  }

  async #write (ended: EndedSessions): Promise<void> {
    const ttl = ended.expiresAt - this.#now()
    if (ttl > 0) await this.#state.set(keyOf(ended), ended.kind === 'session' ? '1' : String(ended.before), ttl)
  }

  #remember (ended: EndedSessions): void {
    const key = keyOf(ended)
    const known = this.#mirror.get(key)
    // Signing out everywhere twice keeps the later cut-off.
    if (known?.kind === 'user' && ended.kind === 'user' && known.before > ended.before) return
    this.#mirror.delete(key)
    this.#mirror.set(key, ended)
    this.#forgetExpired()
    for (const listener of this.#listeners) listener(ended)
  }

  #endedHere (sid: string, userId: string, createdAt: number): boolean {
    const now = this.#now()
    const session = this.#mirror.get(keyOf({ kind: 'session', sid }))
    if (session !== undefined && session.expiresAt > now) return true
    const user = this.#mirror.get(keyOf({ kind: 'user', userId }))
    return user !== undefined && user.expiresAt > now && SessionRevocations.covers(user, sid, userId, createdAt)
  }

  #forgetExpired (): void {
    if (this.#mirror.size < 10_000) return
    const now = this.#now()
    for (const [key, ended] of this.#mirror) if (ended.expiresAt <= now) this.#mirror.delete(key)
    for (const key of this.#mirror.keys()) {
      if (this.#mirror.size <= MAX_MIRRORED) break
      this.#mirror.delete(key)
    }
  }

  /** After Redis comes back (perhaps restarted and empty), what this replica knows is written back. */
  async #restore (): Promise<void> {
    for (const ended of [...this.#mirror.values()]) await this.#write(ended)
  }
}

function keyOf (ended: { kind: 'session', sid: string } | { kind: 'user', userId: string }): string {
  return ended.kind === 'session' ? `ended-session:${ended.sid}` : `ended-sessions-of:${ended.userId}`
}
