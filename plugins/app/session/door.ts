import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../../../src/config.ts'
import { ProblemError, notAuthenticated, sessionExpired } from '../../../src/errors.ts'
import { SessionRevocations } from '../../../src/session-revocations.ts'
import type { SweatStackClient, TokenResponse } from '../../../src/sweatstack-client.ts'
import type { TokenRefresher } from '../../../src/token-refresher.ts'
import type { Session, SessionData } from '@fastify/secure-session'
import { SignIn } from './sign-in.ts'
import type { CallbackQuery, SessionIdentity, SessionInfo, StreamScope, SweatStackSession, TokenOwner } from './types.ts'
import { identityFromTokens } from './tokens.ts'

/** What every request's session door shares: set up once by the session plugin. */
export interface SessionContext {
  config: Config
  now: () => number
  client: SweatStackClient
  refresher: TokenRefresher
  revocations: SessionRevocations
  /** simple-oauth2's client, configured by @fastify/oauth2 (documented as `fastify.<name>.oauth2`). */
  oauth: AuthorizationCodeClient
  /** The session cookie's size in bytes, as browsers count it, for the session as it stands. */
  cookieBytes: (session: Session) => number
}

/** The part of simple-oauth2's AuthorizationCode client this app uses (simple-oauth2 ships no types). */
export interface AuthorizationCodeClient {
  authorizeURL (params: Record<string, unknown>): string
  getToken (params: Record<string, unknown>): Promise<{ token: unknown }>
}

/** Browsers drop a cookie whose name and value exceed 4096 bytes. */
export const COOKIE_LIMIT_BYTES = 4096

/**
 * The session behind one door: the only code that reads or writes session keys. Every route and
 * plugin goes through `request.sweatstack` (identity, tokens, coach mode, sign-out); sign-in lives in
 * ./sign-in.ts beside it.
 */
export class SessionDoor implements SweatStackSession {
  readonly #request: FastifyRequest
  readonly #context: SessionContext
  /**
   * On a host app's own route, where the plugin's hooks do not run: reads the session from the cookie.
   * Nothing written there reaches the browser (see #refreshed).
   */
  readonly #readSession: (() => Session) | undefined
  #sessionObject: Session | undefined
  #identity: Promise<SessionIdentity> | undefined
  /**
   * The session's fields, read once: every call on @fastify/secure-session's session object goes
   * through a Proxy that makes another Proxy, which at a dozen reads a request cost a proxied call
   * more than the cookie's decryption (bench/README.md). Writes go to both.
   */
  #fields: Partial<SessionData> | undefined
  /** Once the session is checked: how long its cookie may live from now. */
  #maxAgeSeconds: number | undefined

  /** `readSession`: only for a host app's own routes, where @fastify/secure-session's hooks do not run. */
  constructor (request: FastifyRequest, context: SessionContext, readSession?: () => Session) {
    this.#request = request
    this.#context = context
    this.#readSession = readSession
  }

  /** The encrypted cookie's session: decrypted by @fastify/secure-session on the plugin's routes, here on a host's. */
  get #session (): Session {
    this.#sessionObject ??= this.#readSession?.() ?? this.#request.sweatstackSession
    return this.#sessionObject
  }

  #get<Key extends keyof SessionData> (key: Key): SessionData[Key] | undefined {
    this.#fields ??= this.#session.data() ?? {}
    return this.#fields[key]
  }

  #set<Key extends keyof SessionData> (key: Key, value: SessionData[Key] | undefined): void {
    if (this.#maxAgeSeconds !== undefined) this.#session.options({ maxAge: this.#maxAgeSeconds })
    this.#session.set(key, value)
    if (this.#fields !== undefined) this.#fields[key] = value
  }

  /** Ends the session: the cookie is cleared when the answer goes out. */
  #delete (): void {
    this.#session.delete()
    this.#fields = {}
  }

  /**
   * The signed-in identity; rejects with a 401 problem when there is none or the session has ended
   * (too old, unused too long, or signed out). Checked once per request.
   */
  identity (): Promise<SessionIdentity> {
    this.#identity ??= this.#check()
    return this.#identity
  }

  /**
   * An access token for SweatStack, refreshed first when it is about to expire: the selected athlete's
   * in coach mode (`as: 'active'`, the default), or the signed-in user's own (`as: 'principal'`).
   */
  async accessToken (options: { as?: TokenOwner, forceRefresh?: boolean } = {}): Promise<string> {
    const principal = await this.identity()
    const key = options.as !== 'principal' && this.#get('selected') !== undefined ? 'selected' : 'principal'
    const identity = key === 'selected' ? this.#get('selected')! : principal
    const { config, refresher, now } = this.#context
    if (!options.forceRefresh && identity.expiresAt - config.refreshMarginSeconds > now() / 1000) return identity.accessToken
    if (identity.refreshToken === null) return this.#end(key, 'the access token expired and SweatStack gave no refresh token')
    try {
      // On a host's own route the refreshed cookie cannot be sent (no hook of the plugin runs there), so the
      // refresh is remembered until the new token expires: the next request with the old cookie gets the
      // same tokens without refreshing again, and the plugin's next answer to the browser stores them.
      const remember = this.#readSession === undefined ? {} : { untilExpiry: true }
      const refreshed = identityFromTokens(await refresher.refresh(identity.refreshToken, this.#request.id, remember), now(), identity)
      this.#set(key, refreshed)
      this.ensureFits()
      this.#request.log.info({ userId: refreshed.userId, identity: key }, 'refreshed the SweatStack access token')
      return refreshed.accessToken
    } catch (error) {
      if (error instanceof ProblemError && error.code === 'session_expired') return this.#end(key, error.detail)
      throw error
    }
  }

  /** The scopes SweatStack granted the identity whose token `as` uses (empty when not signed in). */
  grantedScopes (as: TokenOwner): string[] {
    return ((as === 'active' ? this.#get('selected') : undefined) ?? this.#get('principal'))?.scopes ?? []
  }

  /**
   * SweatStack refused the tokens of `as` even freshly refreshed: rejects with `session_expired` after
   * ending the session (the principal's tokens), or with `selection_ended` after ending coach mode.
   */
  refused (as: TokenOwner, reason: string): Promise<never> {
    return this.#end(as === 'active' && this.#get('selected') !== undefined ? 'selected' : 'principal', reason)
  }

  async info (): Promise<SessionInfo> {
    const principal = await this.identity()
    const selected = this.#get('selected')
    return {
      userId: principal.userId,
      name: principal.name,
      selectedUserId: selected?.userId ?? null,
      selectedName: selected?.name ?? null,
      scopes: principal.scopes,
      expiresAt: new Date((this.#get('createdAt') ?? 0) + this.#context.config.sessionMaxAgeSeconds * 1000).toISOString(),
    }
  }

  /** Coach mode: act as `userId` with SweatStack's delegated token (its 403/404 say who may be selected). */
  async selectAthlete (userId: string, teamId?: string): Promise<SessionInfo> {
    this.#onPluginRoute('selectAthlete')
    if (userId === (await this.identity()).userId) return this.selectSelf()
    const { client, now } = this.#context
    const tokens = await client.json<TokenResponse>({
      method: 'POST',
      path: '/api/v1/oauth/delegated-token',
      token: await this.accessToken({ as: 'principal' }),
      requestId: this.#request.id,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ sub: userId, ...(teamId === undefined ? {} : { team_id: teamId }) }),
    })
    const athlete = identityFromTokens(tokens, now())
    athlete.name = await this.displayName(athlete)
    this.#set('selected', athlete)
    try {
      this.ensureFits()
    } catch (error) {
      this.#set('selected', undefined)
      throw error
    }
    this.#request.log.info({ athlete: athlete.userId }, 'coach selected an athlete')
    return this.info()
  }

  async selectSelf (): Promise<SessionInfo> {
    this.#onPluginRoute('selectSelf')
    await this.identity()
    this.#set('selected', undefined)
    return this.info()
  }

  /**
   * Ends this session server-side (a copy of the cookie is refused from then on, on every replica) and
   * clears the cookies; `everywhere` ends every session of the signed-in user. Returns who signed out.
   */
  async signOut (options: { everywhere?: boolean } = {}): Promise<string | undefined> {
    const { revocations, config, now } = this.#context
    const userId = this.#get('principal')?.userId
    const sid = this.#get('sid')
    if (options.everywhere === true) await revocations.endEverySession((await this.identity()).userId, config.sessionMaxAgeSeconds * 1000)
    else if (sid !== undefined) await revocations.endSession(sid, (this.#get('createdAt') ?? now()) + config.sessionMaxAgeSeconds * 1000)
    this.#delete()
    if (this.#readSession === undefined) this.#request.sweatstackLogin.delete()
    return userId
  }

  /** For an event stream: whose events, and the session it must close with. */
  async streamScope (): Promise<StreamScope> {
    const principal = await this.identity()
    const selected = this.#get('selected')
    return {
      sessionId: this.#get('sid')!,
      userId: principal.userId,
      createdAt: this.#get('createdAt') ?? 0,
      userIds: selected === undefined ? [principal.userId] : [principal.userId, selected.userId],
    }
  }

  /** Starts a sign-in that returns to `next`; answers SweatStack's authorize URL to send the browser to. */
  startSignIn (next: string): string {
    return new SignIn(this.#request, this.#context, this.#onPluginRoute('startSignIn')).start(next, this.#context.config.loginPrompt)
  }

  /** Finishes the sign-in SweatStack sent the browser back from; answers where to send the browser next. */
  finishSignIn (query: CallbackQuery, fallback: string): Promise<string> {
    return new SignIn(this.#request, this.#context, this.#onPluginRoute('finishSignIn')).finish(query, fallback)
  }

  /** Signing in and coach mode write the cookies, which only the plugin's own routes can send. */
  #onPluginRoute (method: string): this {
    if (this.#readSession !== undefined) throw new Error(`request.sweatstack.${method}() works only on the plugin's own routes; send the browser to its /auth/sweatstack/login to sign in.`)
    return this
  }

  /** Starts a fresh session for a completed sign-in; throws `session_too_large` when it would not fit a cookie. */
  begin (principal: SessionIdentity): void {
    const session = this.#session
    const now = this.#context.now()
    session.regenerate()
    this.#fields = undefined
    this.#set('sid', randomBytes(16).toString('base64url'))
    this.#set('principal', principal)
    this.#set('createdAt', now)
    this.#set('lastSeenAt', now)
    try {
      this.ensureFits()
    } catch (error) {
      this.#delete()
      throw error
    }
  }

  /** The user's display name, when the `profile` scope allows; signing in or selecting goes on without it. */
  async displayName (identity: SessionIdentity): Promise<string | null> {
    if (!identity.scopes.includes('profile')) return null
    try {
      const info = await this.#context.client.json<{ name?: unknown }>({ method: 'GET', path: '/api/v1/oauth/userinfo', token: identity.accessToken, requestId: this.#request.id })
      return typeof info.name === 'string' ? info.name : null
    } catch (error) {
      this.#request.log.warn({ code: (error as { code?: string }).code }, 'could not read the user\'s name from SweatStack')
      return null
    }
  }

  /** Throws a 500 problem when the session as it stands would be too large a cookie for browsers. */
  ensureFits (): void {
    const bytes = this.#context.cookieBytes(this.#session)
    if (bytes <= COOKIE_LIMIT_BYTES) return
    this.#request.log.error({ bytes, limit: COOKIE_LIMIT_BYTES }, 'the session cookie would be too large for browsers; SweatStack\'s tokens are larger than expected')
    throw new ProblemError('session_too_large', `The session would need a ${bytes}-byte cookie; browsers drop cookies over ${COOKIE_LIMIT_BYTES} bytes. Request fewer scopes or report this to the BFF's operators.`)
  }

  async #check (): Promise<SessionIdentity> {
    const { config, now: clock, revocations } = this.#context
    const principal = this.#get('principal')
    const sid = this.#get('sid')
    if (principal === undefined) throw notAuthenticated(config.basePath)
    if (sid === undefined) {
      // Made before sessions had ids: it cannot be signed out, so it ends now.
      this.#delete()
      throw sessionExpired()
    }
    const now = clock()
    const maxAgeMs = config.sessionMaxAgeSeconds * 1000
    const idleMs = config.sessionIdleTimeoutSeconds * 1000
    const createdAt = this.#get('createdAt') ?? 0
    const lastSeenAt = this.#get('lastSeenAt') ?? createdAt
    if (createdAt + maxAgeMs <= now) {
      this.#delete()
      throw sessionExpired(`Sessions last at most ${config.sessionMaxAgeSeconds} seconds after sign-in: sign in again.`)
    }
    if (lastSeenAt + idleMs <= now) {
      this.#delete()
      throw sessionExpired(`The session was unused for more than ${config.sessionIdleTimeoutSeconds} seconds: sign in again.`)
    }
    if (await revocations.isEnded(sid, principal.userId, createdAt)) {
      this.#delete()
      throw sessionExpired('This session was signed out: sign in again.')
    }
    // Whenever the cookie is written (see #set), the browser keeps it only as long as the session may live.
    this.#maxAgeSeconds = Math.floor((createdAt + maxAgeMs - now) / 1000)
    // Rewriting the cookie on every request would cost a Set-Cookie each time; a coarse "last seen" is enough.
    if (now - lastSeenAt >= Math.min(300_000, Math.floor(idleMs / 10))) this.#set('lastSeenAt', now)
    return principal
  }

  /**
   * A refused principal ends the session, here and on every replica (a copy of the cookie is refused
   * too, so /auth/sweatstack/user agrees with /api); a refused athlete selection only ends the selection.
   */
  async #end (key: 'principal' | 'selected', reason: string): Promise<never> {
    if (key === 'principal') {
      const sid = this.#get('sid')
      if (sid !== undefined) await this.#context.revocations.endSession(sid, (this.#get('createdAt') ?? this.#context.now()) + this.#context.config.sessionMaxAgeSeconds * 1000)
      this.#delete()
      this.#request.log.info({ reason }, 'session ended')
      throw sessionExpired(`SweatStack no longer accepts this session (${reason}): sign in again.`)
    }
    const athlete = this.#get('selected')?.userId
    this.#set('selected', undefined)
    this.#request.log.info({ reason, athlete }, 'athlete selection ended')
    throw new ProblemError('selection_ended', `SweatStack no longer lets you act for athlete ${athlete} (${reason}); you are back to your own data.`)
  }
}
