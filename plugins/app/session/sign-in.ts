import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { withQueryParameter } from '../../../src/redirect-target.ts'
import type { TokenResponse } from '../../../src/sweatstack-client.ts'
import type { SessionContext } from './door.ts'
import type { PendingLogin } from './session-data.ts'
import type { CallbackQuery, SweatStackSession } from './types.ts'
import { identityFromTokens } from './tokens.ts'

/** How long a started sign-in may take before its state is forgotten. */
export const LOGIN_TTL_SECONDS = 600
/** At most this many sign-ins may be pending in one browser (one per tab); the oldest is dropped. */
const MAX_PENDING_LOGINS = 3
/** OpenID Connect's answers to `prompt=none` when the user has to see a page. */
const NEEDS_THE_USER = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required'])

export const CALLBACK_PATH = '/auth/sweatstack/callback'

/**
 * The authorization-code flow with PKCE (S256). @fastify/oauth2 is configured with SweatStack's
 * endpoints and this app's credentials, and its simple-oauth2 client (`fastify.sweatstackOAuth2.oauth2`)
 * builds the authorize URL and exchanges the code. The state and PKCE verifier of each sign-in are kept
 * here, in the encrypted `sweatstack_login` cookie, rather than in the plugin's own single-slot cookies,
 * so that several tabs can sign in at once.
 */
export class SignIn {
  readonly #request: FastifyRequest
  readonly #context: SessionContext
  readonly #door: SweatStackSession

  constructor (request: FastifyRequest, context: SessionContext, door: SweatStackSession) {
    this.#request = request
    this.#context = context
    this.#door = door
  }

  /**
   * A new pending sign-in that returns to `next`, sending `prompt` if any (replacing a pending one when
   * asking again); answers SweatStack's authorize URL to send the browser to.
   */
  start (next: string, prompt: string | undefined, replacing?: PendingLogin): string {
    const { config, oauth, now } = this.#context
    const state = randomBytes(32).toString('base64url')
    const verifier = randomBytes(32).toString('base64url')
    const authorizeUrl = oauth.authorizeURL({
      redirect_uri: `${config.appUrl}${CALLBACK_PATH}`,
      scope: config.scopes,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(prompt === undefined ? {} : { prompt }),
    })
    const createdAt = Math.floor(now() / 1000)
    const stillPending = this.#pending().filter(entry => entry.createdAt + LOGIN_TTL_SECONDS > createdAt && entry.state !== replacing?.state)
    const pending: PendingLogin = { state, verifier, next, createdAt, ...(prompt === undefined ? {} : { prompt }) }
    this.#request.sweatstackLogin.set('pending', [...stillPending.slice(-(MAX_PENDING_LOGINS - 1)), pending])
    return authorizeUrl
  }

  /**
   * SweatStack sent the browser back: checks the state against this browser's pending sign-ins,
   * exchanges the code, and starts a fresh session. Answers where to send the browser: `next`, or on
   * any failure the frontend with `auth_error=<code>` (logged with the reason).
   */
  async finish (query: CallbackQuery, fallback: string): Promise<string> {
    const pending = this.#find(query.state)
    const fail = (code: string, reason: string, target = pending?.next ?? fallback) => {
      this.#request.log.warn({ authError: code, reason }, 'sign-in failed')
      return withQueryParameter(target, 'auth_error', code)
    }
    if (pending === undefined) return fail('invalid_state', 'no pending sign-in in this browser matches the state (expired, used, or started elsewhere)', fallback)
    if (query.error !== undefined) {
      // SweatStack's clients send prompt=none to skip a consent already given; a server reading it as
      // OpenID Connect does answers a first-time user with one of these. Ask once more, with the page.
      if (pending.prompt === 'none' && NEEDS_THE_USER.has(query.error)) {
        this.#request.log.info({ authError: query.error }, 'SweatStack needs the user to sign in or consent: asking again without prompt=none')
        return this.start(pending.next, undefined, pending)
      }
      this.#forget(pending)
      const code = /^[a-z_]{1,64}$/.test(query.error) ? query.error : 'authorization_failed'
      return fail(code, `SweatStack answered ${code}`)
    }
    this.#forget(pending)
    if (query.code === undefined || query.code === '') return fail('missing_code', 'the callback has no code')

    let tokens: TokenResponse
    try {
      const token = await this.#context.oauth.getToken({ code: query.code, redirect_uri: `${this.#context.config.appUrl}${CALLBACK_PATH}`, code_verifier: pending.verifier })
      tokens = token.token as unknown as TokenResponse
    } catch (error) {
      const { status, oauthError } = describeTokenError(error)
      const code = status === undefined || status >= 500 ? 'sweatstack_unavailable' : 'token_exchange_failed'
      const cause = status ?? (error as { code?: string }).code ?? (error as Error).message
      return fail(code, `the token exchange failed: ${cause}${oauthError ? ` ${oauthError}` : ''}`)
    }
    let principal
    try {
      principal = identityFromTokens(tokens, this.#context.now())
    } catch (error) {
      return fail('token_exchange_failed', `SweatStack's access token is unusable: ${(error as Error).message}`)
    }
    principal.name = await this.#door.displayName(principal)
    try {
      this.#door.begin(principal)
    } catch {
      return fail('session_too_large', 'SweatStack\'s tokens do not fit in a browser cookie')
    }
    this.#request.log.info({ userId: principal.userId }, 'signed in')
    return pending.next
  }

  #pending (): PendingLogin[] {
    return this.#request.sweatstackLogin.get('pending') ?? []
  }

  /** The pending sign-in of this browser that `state` belongs to, if it is still fresh (compared in constant time). */
  #find (state: unknown): PendingLogin | undefined {
    if (typeof state !== 'string' || state.length === 0 || state.length > 128) return undefined
    const now = this.#context.now() / 1000
    const given = Buffer.from(state)
    return this.#pending().find(entry => {
      const expected = Buffer.from(entry.state)
      return entry.createdAt + LOGIN_TTL_SECONDS > now && expected.length === given.length && timingSafeEqual(expected, given)
    })
  }

  /** A state is single use. */
  #forget (used: PendingLogin): void {
    const rest = this.#pending().filter(entry => entry.state !== used.state)
    if (rest.length === 0) this.#request.sweatstackLogin.delete()
    else this.#request.sweatstackLogin.set('pending', rest)
  }
}

/** simple-oauth2 errors are Boom errors carrying the HTTP status and the parsed body. */
function describeTokenError (error: unknown): { status?: number, oauthError?: string } {
  const boom = error as { output?: { statusCode?: number }, data?: { payload?: unknown }, isBoom?: boolean }
  if (!boom?.isBoom) return {}
  const payload = boom.data?.payload as { error?: unknown } | undefined
  const status = boom.output?.statusCode
  return {
    ...(status === undefined ? {} : { status }),
    ...(typeof payload?.error === 'string' ? { oauthError: payload.error } : {}),
  }
}
