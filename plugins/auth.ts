import fp from 'fastify-plugin'
import { decodeJwt } from 'jose'
import type { FastifyRequest } from 'fastify'
import { ProblemError, notAuthenticated, sessionExpired } from '../src/problem.ts'
import type { SessionIdentity } from '../src/session-data.ts'
import type { TokenResponse } from '../src/sweatstack-client.ts'
import { SessionRevocations } from '../src/session-revocations.ts'
import { TokenRefresher } from '../src/token-refresher.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Signed-out sessions, shared by every replica. */
    sessionRevocations: SessionRevocations
  }
  interface FastifyRequest {
    /**
     * The signed-in identity; rejects with a 401 problem when there is none or the session has ended
     * (too old, unused too long, or signed out). Checked once per request.
     */
    signedInIdentity (): Promise<SessionIdentity>
    /**
     * An access token for SweatStack, refreshed first when it is about to expire: the selected athlete's
     * in coach mode (`as: 'active'`, the default), or the signed-in user's own (`as: 'principal'`).
     */
    accessToken (options?: AccessTokenOptions): Promise<string>
    /**
     * Ends this session server-side (a copy of the cookie is refused from then on, on every replica) and
     * clears the cookies; `everywhere` ends every session of the signed-in user. Returns who signed out.
     */
    signOut (options?: { everywhere?: boolean }): Promise<string | undefined>
    /**
     * SweatStack refused the tokens of `as` even freshly refreshed: rejects with `session_expired` after
     * ending the session (the principal's tokens), or with `selection_ended` after ending coach mode.
     */
    refusedBySweatStack (as: 'active' | 'principal', reason: string): Promise<never>
    /** The scopes SweatStack granted the identity whose token `as` uses (empty when not signed in). */
    grantedScopes (as: 'active' | 'principal'): string[]
  }
}

export interface AccessTokenOptions {
  forceRefresh?: boolean
  as?: 'active' | 'principal'
}

/** Builds the identity kept in the session from SweatStack's token answer. */
export function identityFromTokens (tokens: TokenResponse, nowMs: number, previous?: SessionIdentity): SessionIdentity {
  const claims = decodeJwt(tokens.access_token)
  const now = Math.floor(nowMs / 1000)
  const expiresAt = typeof claims.exp === 'number' ? claims.exp : now + (tokens.expires_in ?? 900)
  const userId = typeof claims.sub === 'string' ? claims.sub : previous?.userId
  if (userId === undefined) throw new Error('the access token has no sub claim')
  return {
    userId,
    name: previous?.name ?? null,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt,
    scopes: tokens.scope ? tokens.scope.split(/[\s,]+/).filter(Boolean) : (previous?.scopes ?? []),
  }
}

/** The user's display name, when the `profile` scope allows; signing in or selecting goes on without it. */
export async function fetchDisplayName (request: FastifyRequest, identity: SessionIdentity): Promise<string | null> {
  if (!identity.scopes.includes('profile')) return null
  try {
    const info = await request.server.sweatstack.json<{ name?: unknown }>({ method: 'GET', path: '/api/v1/oauth/userinfo', token: identity.accessToken, requestId: request.id })
    return typeof info.name === 'string' ? info.name : null
  } catch (error) {
    request.log.warn({ code: (error as { code?: string }).code }, 'could not read the user\'s name from SweatStack')
    return null
  }
}

/** Who is signed in, and tokens that are always fresh when a route needs one. */
export default fp(async function auth (fastify) {
  const { config } = fastify
  const refresher = new TokenRefresher((refreshToken, requestId) => fastify.sweatstack.refresh(refreshToken, requestId), fastify.sharedState, config.sessionKeys[0]!)

  const revocations = new SessionRevocations(fastify.sharedState, fastify.now)
  fastify.decorate('sessionRevocations', revocations)

  const maxAgeMs = config.sessionMaxAgeSeconds * 1000
  const idleMs = config.sessionIdleTimeoutSeconds * 1000
  // Rewriting the cookie on every request would cost a Set-Cookie each time; a coarse "last seen" is enough.
  const touchIntervalMs = Math.min(300_000, Math.floor(idleMs / 10))

  async function checkSession (request: FastifyRequest): Promise<SessionIdentity> {
    const session = request.session
    const principal = session.get('principal')
    const sid = session.get('sid')
    if (principal === undefined) throw notAuthenticated()
    if (sid === undefined) {
      // Made before sessions had ids: it cannot be signed out, so it ends now.
      session.delete()
      throw sessionExpired()
    }
    const now = fastify.now()
    const createdAt = session.get('createdAt') ?? 0
    const lastSeenAt = session.get('lastSeenAt') ?? createdAt
    if (createdAt + maxAgeMs <= now) {
      session.delete()
      throw sessionExpired(`Sessions last at most ${config.sessionMaxAgeSeconds} seconds after sign-in: sign in again.`)
    }
    if (lastSeenAt + idleMs <= now) {
      session.delete()
      throw sessionExpired(`The session was unused for more than ${config.sessionIdleTimeoutSeconds} seconds: sign in again.`)
    }
    if (await revocations.isEnded(sid, principal.userId, createdAt)) {
      session.delete()
      throw sessionExpired('This session was signed out: sign in again.')
    }
    if (now - lastSeenAt >= touchIntervalMs) session.set('lastSeenAt', now)
    // Whenever the cookie is written, the browser keeps it only as long as the session may live.
    session.options({ maxAge: Math.floor((createdAt + maxAgeMs - now) / 1000) })
    return principal
  }

  fastify.decorateRequest('signOut', async function (this: FastifyRequest, options: { everywhere?: boolean } = {}): Promise<string | undefined> {
    const session = this.session
    const userId = session.get('principal')?.userId
    const sid = session.get('sid')
    if (options.everywhere === true) await revocations.endEverySession((await this.signedInIdentity()).userId, maxAgeMs)
    else if (sid !== undefined) await revocations.endSession(sid, (session.get('createdAt') ?? fastify.now()) + maxAgeMs)
    session.delete()
    this.loginSession.delete()
    return userId
  })

  const checked = new WeakMap<FastifyRequest, Promise<SessionIdentity>>()
  fastify.decorateRequest('signedInIdentity', function (this: FastifyRequest): Promise<SessionIdentity> {
    let identity = checked.get(this)
    if (identity === undefined) checked.set(this, identity = checkSession(this))
    return identity
  })

  fastify.decorateRequest('accessToken', async function (this: FastifyRequest, options: AccessTokenOptions = {}): Promise<string> {
    const principal = await this.signedInIdentity()
    const key = options.as !== 'principal' && this.session.get('selected') !== undefined ? 'selected' : 'principal'
    const identity = key === 'selected' ? this.session.get('selected')! : principal
    const now = fastify.now() / 1000
    if (!options.forceRefresh && identity.expiresAt - config.refreshMarginSeconds > now) return identity.accessToken
    if (identity.refreshToken === null) return endIdentity(this, key, 'the access token expired and SweatStack gave no refresh token')
    try {
      const tokens = await refresher.refresh(identity.refreshToken, this.id)
      const refreshed = identityFromTokens(tokens, fastify.now(), identity)
      this.session.set(key, refreshed)
      this.ensureSessionFits()
      this.log.info({ userId: refreshed.userId, identity: key }, 'refreshed the SweatStack access token')
      return refreshed.accessToken
    } catch (error) {
      if (error instanceof ProblemError && error.code === 'session_expired') return endIdentity(this, key, error.detail)
      throw error
    }
  })

  fastify.decorateRequest('grantedScopes', function (this: FastifyRequest, as: 'active' | 'principal'): string[] {
    const selected = as === 'active' ? this.session.get('selected') : undefined
    return (selected ?? this.session.get('principal'))?.scopes ?? []
  })

  fastify.decorateRequest('refusedBySweatStack', async function (this: FastifyRequest, as: 'active' | 'principal', reason: string): Promise<never> {
    return endIdentity(this, as !== 'principal' && this.session.get('selected') !== undefined ? 'selected' : 'principal', reason)
  })

  /**
   * A refused principal ends the session, here and on every replica (a copy of the cookie is refused
   * too, so /auth/sweatstack/user agrees with /api); a refused athlete selection only ends the selection.
   */
  async function endIdentity (request: FastifyRequest, key: 'principal' | 'selected', reason: string): Promise<never> {
    if (key === 'principal') {
      const sid = request.session.get('sid')
      if (sid !== undefined) await revocations.endSession(sid, (request.session.get('createdAt') ?? fastify.now()) + maxAgeMs)
      request.session.delete()
      request.log.info({ reason }, 'session ended')
      throw sessionExpired(`SweatStack no longer accepts this session (${reason}): sign in again.`)
    }
    const athlete = request.session.get('selected')?.userId
    request.session.set('selected', undefined)
    request.log.info({ reason, athlete }, 'athlete selection ended')
    throw new ProblemError({
      status: 403,
      code: 'selection_ended',
      title: 'No longer allowed to act for this athlete',
      detail: `SweatStack no longer lets you act for athlete ${athlete} (${reason}); you are back to your own data.`,
    })
  }
}, { name: 'auth', dependencies: ['session', 'sweatstack-client', 'shared-state'] })
