import { ProblemError } from './errors.ts'

export interface CircuitBreakerOptions {
  /** Calls that fail in a row (after their retries) before the circuit opens. */
  failureThreshold: number
  /** How long an open circuit fails fast before one call may try SweatStack again. */
  cooldownMs: number
  now?: () => number
}

/**
 * Fails fast while SweatStack is down instead of making every request wait for a connect timeout,
 * and recovers by itself: after the cool-down one call goes through; its success closes the circuit.
 */
export class CircuitBreaker {
  readonly #options: Required<CircuitBreakerOptions>
  #failures = 0
  #openedAt: number | null = null
  #probing = false

  constructor (options: CircuitBreakerOptions) {
    this.#options = { now: Date.now, ...options }
  }

  get isOpen (): boolean {
    return this.#openedAt !== null
  }

  /** Throws a 503 problem while the circuit is open (but for the one probe after the cool-down). */
  check (): void {
    if (this.#openedAt === null) return
    const waited = this.#options.now() - this.#openedAt
    if (waited >= this.#options.cooldownMs && !this.#probing) {
      this.#probing = true
      return
    }
    const retryAfter = Math.max(1, Math.ceil((this.#options.cooldownMs - waited) / 1000))
    throw new ProblemError('upstream_unavailable', `SweatStack failed ${this.#failures} times in a row; the BFF is not calling it for a few seconds. Try again in ${retryAfter} s.`, { headers: { 'retry-after': String(retryAfter) } })
  }

  success (): void {
    this.#failures = 0
    this.#openedAt = null
    this.#probing = false
  }

  failure (): void {
    this.#failures++
    this.#probing = false
    if (this.#openedAt !== null || this.#failures >= this.#options.failureThreshold) this.#openedAt = this.#options.now()
  }
}
