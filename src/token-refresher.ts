import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { ProblemError } from './errors.ts'
import type { SharedState } from './shared-state.ts'
import type { TokenResponse } from './sweatstack-client.ts'

type RefreshFn = (refreshToken: string, requestId?: string) => Promise<TokenResponse>

/** How the refresher waits for another one's lock: real time, or a test's. */
export interface RefresherClock {
  now: () => number
  sleep: (ms: number) => Promise<unknown>
}

/** How long a refresh may hold the lock: the token call's own bound is well inside it. */
const LOCK_MS = 15_000
const POLL_MS = 25

/**
 * One refresh per refresh token at a time, across every request of every replica (the oauth2-proxy
 * pattern): requests on this replica share one call; other replicas wait for the lock holder and pick
 * up its answer from the shared record instead of refreshing again. The answer is kept briefly, so a
 * request still carrying the old cookie (it left the browser before the new one arrived) gets the same
 * new tokens, which matters when SweatStack rotates refresh tokens and rejects the old one. Tokens in
 * the shared record are encrypted (AES-256-GCM, a key derived from the session key).
 */
export class TokenRefresher {
  readonly #refresh: RefreshFn
  readonly #state: SharedState
  readonly #key: Buffer
  readonly #rememberMs: number
  readonly #clock: RefresherClock
  readonly #inFlight = new Map<string, Promise<TokenResponse>>()

  constructor (refresh: RefreshFn, state: SharedState, sessionKey: Buffer, options: { rememberMs?: number, clock?: RefresherClock } = {}) {
    this.#refresh = refresh
    this.#state = state
    this.#key = Buffer.from(hkdfSync('sha256', sessionKey, Buffer.alloc(0), 'sweatstack-bff shared refresh record', 32))
    this.#rememberMs = options.rememberMs ?? 30_000
    this.#clock = options.clock ?? { now: Date.now, sleep }
  }

  /**
   * `untilExpiry`: remember the answer until its access token expires rather than briefly, for a refresh
   * whose new cookie cannot reach the browser (a host app's own route): every request still carrying
   * the old cookie then gets the same tokens.
   */
  async refresh (refreshToken: string, requestId?: string, options: { untilExpiry?: boolean } = {}): Promise<TokenResponse> {
    const id = createHash('sha256').update(refreshToken).digest('base64url')
    let pending = this.#inFlight.get(id)
    if (pending === undefined) {
      pending = this.#coordinated(id, refreshToken, requestId, options.untilExpiry === true).finally(() => this.#inFlight.delete(id))
      this.#inFlight.set(id, pending)
    }
    return pending
  }

  async #coordinated (id: string, refreshToken: string, requestId: string | undefined, untilExpiry: boolean): Promise<TokenResponse> {
    const waitUntil = this.#clock.now() + LOCK_MS
    for (;;) {
      const recent = await this.#recent(id)
      if (recent !== null) return recent
      if (await this.#state.lock(id, LOCK_MS)) {
        try {
          // The previous holder may have finished between our look and our lock.
          const justDone = await this.#recent(id)
          if (justDone !== null) return justDone
          const tokens = await this.#refresh(refreshToken, requestId)
          const rememberMs = untilExpiry ? Math.max(this.#rememberMs, (tokens.expires_in ?? 0) * 1000) : this.#rememberMs
          await this.#state.set(`refresh:${id}`, this.#seal(tokens), rememberMs)
          return tokens
        } finally {
          await this.#state.unlock(id)
        }
      }
      if (this.#clock.now() > waitUntil) {
        throw new ProblemError('upstream_unavailable', 'Another request is still refreshing this session\'s tokens; try again shortly.', { headers: { 'retry-after': '2' } })
      }
      await this.#clock.sleep(POLL_MS)
    }
  }

  async #recent (id: string): Promise<TokenResponse | null> {
    const sealed = await this.#state.get(`refresh:${id}`)
    return sealed === null ? null : this.#unseal(sealed)
  }

  #seal (tokens: TokenResponse): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    const body = Buffer.concat([cipher.update(JSON.stringify(tokens), 'utf8'), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
  }

  /** Null when the record was sealed with another key (during a key rotation): refresh instead. */
  #unseal (sealed: string): TokenResponse | null {
    try {
      const raw = Buffer.from(sealed, 'base64')
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as TokenResponse
    } catch {
      return null
    }
  }
}
