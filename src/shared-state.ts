import { EventEmitter } from 'node:events'
import type { Redis } from 'ioredis'

/** The part of a logger (pino's) the shared state writes to. */
export interface StateLogger {
  warn (object: object, message: string): void
  info (message: string): void
}

/** The publish/subscribe channels: webhook events for browsers, and ended sessions. */
export type Channel = 'events' | 'sessions'

/**
 * What replicas share: a lock and a short-lived record per refresh (so only one replica refreshes a
 * token and the others pick up its answer), "seen" marks for webhook de-duplication, ended sessions,
 * and the fan-out of messages to every replica. In-process when there is one replica; Redis when there
 * are several. If Redis goes away, each operation falls back to the in-process one (with a warning)
 * until it is back.
 */
export interface SharedState {
  /** Takes the lock when free; true when this caller holds it now. */
  lock (key: string, ttlMs: number): Promise<boolean>
  unlock (key: string): Promise<void>
  get (key: string): Promise<string | null>
  /** Several values in one round trip, in the order of `keys`. */
  getMany (keys: readonly string[]): Promise<Array<string | null>>
  set (key: string, value: string, ttlMs: number): Promise<void>
  /** Marks a key as seen; true only for the first caller within the ttl. */
  firstSeen (key: string, ttlMs: number): Promise<boolean>
  publish (channel: Channel, message: string): Promise<void>
  /** Every message published on `channel`, from every replica (this one included), in order per publisher. */
  onMessage (channel: Channel, listener: (message: string) => void): void
  /** Called each time a lost shared store is reachable again (never for the in-process one). */
  onReconnect (listener: () => void): void
  /** `memory` (no Redis configured), `redis`, or `redis-unavailable` (configured but not reachable). */
  status (): 'memory' | 'redis' | 'redis-unavailable'
  close (): Promise<void>
}

const PREFIX = 'sweatstack-bff:'
const CHANNELS: readonly Channel[] = ['events', 'sessions']

export class MemoryState implements SharedState {
  readonly #values = new Map<string, { value: string, expiresAt: number }>()
  readonly #events = new EventEmitter()
  readonly #now: () => number

  constructor (now: () => number = Date.now) {
    this.#events.setMaxListeners(0)
    this.#now = now
  }

  #live (key: string): string | null {
    const entry = this.#values.get(key)
    if (entry === undefined) return null
    if (entry.expiresAt <= this.#now()) {
      this.#values.delete(key)
      return null
    }
    return entry.value
  }

  #sweep (): void {
    if (this.#values.size < 10_000) return
    const now = this.#now()
    for (const [key, entry] of this.#values) if (entry.expiresAt <= now) this.#values.delete(key)
  }

  async lock (key: string, ttlMs: number): Promise<boolean> {
    if (this.#live(`lock:${key}`) !== null) return false
    await this.set(`lock:${key}`, '1', ttlMs)
    return true
  }

  async unlock (key: string): Promise<void> {
    this.#values.delete(`lock:${key}`)
  }

  async get (key: string): Promise<string | null> {
    return this.#live(key)
  }

  async getMany (keys: readonly string[]): Promise<Array<string | null>> {
    return keys.map(key => this.#live(key))
  }

  async set (key: string, value: string, ttlMs: number): Promise<void> {
    this.#sweep()
    this.#values.set(key, { value, expiresAt: this.#now() + ttlMs })
  }

  async firstSeen (key: string, ttlMs: number): Promise<boolean> {
    if (this.#live(`seen:${key}`) !== null) return false
    await this.set(`seen:${key}`, '1', ttlMs)
    return true
  }

  async publish (channel: Channel, message: string): Promise<void> {
    this.#events.emit(channel, message)
  }

  onMessage (channel: Channel, listener: (message: string) => void): void {
    this.#events.on(channel, listener)
  }

  onReconnect (): void {}

  status (): 'memory' {
    return 'memory'
  }

  async close (): Promise<void> {
    this.#events.removeAllListeners()
  }
}

export class RedisState implements SharedState {
  readonly #redis: Redis
  readonly #subscriber: Redis
  readonly #fallback = new MemoryState()
  readonly #log: StateLogger
  readonly #subscribed: Promise<unknown>
  readonly #reconnected = new EventEmitter()
  #warnedAt = 0
  #lost = false

  /** `redis` is the connection for commands (its owner closes it); a second one is made for subscribing. */
  constructor (redis: Redis, log: StateLogger) {
    this.#log = log
    this.#redis = redis
    this.#subscriber = redis.duplicate({ enableOfflineQueue: true })
    for (const client of [this.#redis, this.#subscriber]) client.on('error', error => this.#warn(error))
    this.#subscribed = this.#subscriber.subscribe(...CHANNELS.map(channel => PREFIX + channel)).catch(error => this.#warn(error))
    this.#redis.on('close', () => { this.#lost = true })
    this.#redis.on('ready', () => {
      if (!this.#lost) return
      this.#lost = false
      this.#log.info('Redis is reachable again: shared state restored')
      this.#reconnected.emit('reconnect')
    })
  }

  /**
   * Resolves true once Redis takes commands and delivers messages, or false after `timeoutMs`: a
   * replica waits this long at most at start, so its first requests already count in Redis.
   */
  async connected (timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const ready = this.#redis.status === 'ready' ? Promise.resolve() : new Promise(resolve => this.#redis.once('ready', resolve))
    const timeout = new Promise<false>(resolve => { timer = setTimeout(() => resolve(false), timeoutMs) })
    try {
      return await Promise.race([Promise.all([ready, this.#subscribed]).then(() => true), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  #warn (error: unknown): void {
    const now = Date.now()
    if (now - this.#warnedAt < 10_000) return
    this.#warnedAt = now
    this.#log.warn({ err: error }, 'Redis is unreachable: serving with in-process state until it is back')
  }

  /** Runs against Redis, or against the in-process fallback while Redis is not ready. */
  async #either<T> (redis: (client: Redis) => Promise<T>, memory: (fallback: MemoryState) => Promise<T>): Promise<T> {
    if (this.#redis.status === 'ready') {
      try {
        return await redis(this.#redis)
      } catch (error) {
        this.#warn(error)
      }
    }
    return memory(this.#fallback)
  }

  lock (key: string, ttlMs: number): Promise<boolean> {
    return this.#either(async redis => (await redis.set(`${PREFIX}lock:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK', fallback => fallback.lock(key, ttlMs))
  }

  unlock (key: string): Promise<void> {
    return this.#either(async redis => { await redis.del(`${PREFIX}lock:${key}`) }, fallback => fallback.unlock(key))
  }

  get (key: string): Promise<string | null> {
    return this.#either(redis => redis.get(`${PREFIX}${key}`), fallback => fallback.get(key))
  }

  getMany (keys: readonly string[]): Promise<Array<string | null>> {
    return this.#either(redis => redis.mget(keys.map(key => PREFIX + key)), fallback => fallback.getMany(keys))
  }

  set (key: string, value: string, ttlMs: number): Promise<void> {
    return this.#either(async redis => { await redis.set(`${PREFIX}${key}`, value, 'PX', ttlMs) }, fallback => fallback.set(key, value, ttlMs))
  }

  firstSeen (key: string, ttlMs: number): Promise<boolean> {
    return this.#either(async redis => (await redis.set(`${PREFIX}seen:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK', fallback => fallback.firstSeen(key, ttlMs))
  }

  publish (channel: Channel, message: string): Promise<void> {
    // Without Redis, at least this replica gets it.
    return this.#either(async redis => { await redis.publish(PREFIX + channel, message) }, fallback => fallback.publish(channel, message))
  }

  onMessage (channel: Channel, listener: (message: string) => void): void {
    this.#subscriber.on('message', (from: string, message: string) => { if (from === PREFIX + channel) listener(message) })
    this.#fallback.onMessage(channel, listener)
  }

  onReconnect (listener: () => void): void {
    this.#reconnected.on('reconnect', listener)
  }

  status (): 'redis' | 'redis-unavailable' {
    return this.#redis.status === 'ready' ? 'redis' : 'redis-unavailable'
  }

  async close (): Promise<void> {
    await this.#fallback.close()
    this.#subscriber.disconnect()
  }
}
