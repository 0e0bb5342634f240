import type { TokenResponse } from './sweatstack-client.ts'

type RefreshFn = (refreshToken: string, requestId?: string) => Promise<TokenResponse>

/**
 * One refresh per refresh token at a time: requests that arrive together share one call to
 * SweatStack. The answer is kept briefly so that a request still carrying the old cookie (it left
 * the browser before the new one arrived) gets the same new tokens instead of a second refresh,
 * which matters when SweatStack rotates refresh tokens and rejects the old one.
 */
export class TokenRefresher {
  readonly #refresh: RefreshFn
  readonly #rememberMs: number
  readonly #inFlight = new Map<string, Promise<TokenResponse>>()
  readonly #recent = new Map<string, { tokens: TokenResponse, at: number }>()

  constructor (refresh: RefreshFn, rememberMs = 30_000) {
    this.#refresh = refresh
    this.#rememberMs = rememberMs
  }

  async refresh (refreshToken: string, requestId?: string): Promise<TokenResponse> {
    const now = Date.now()
    const recent = this.#recent.get(refreshToken)
    if (recent !== undefined && now - recent.at < this.#rememberMs) return recent.tokens

    let pending = this.#inFlight.get(refreshToken)
    if (pending === undefined) {
      pending = this.#refresh(refreshToken, requestId)
        .then(tokens => {
          this.#forgetOld(Date.now())
          this.#recent.set(refreshToken, { tokens, at: Date.now() })
          return tokens
        })
        .finally(() => this.#inFlight.delete(refreshToken))
      this.#inFlight.set(refreshToken, pending)
    }
    return pending
  }

  #forgetOld (now: number): void {
    for (const [key, entry] of this.#recent) {
      if (now - entry.at >= this.#rememberMs) this.#recent.delete(key)
    }
  }
}
