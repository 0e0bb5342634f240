import fp from 'fastify-plugin'
import { decodeJwt } from 'jose'
import type { FastifyRequest } from 'fastify'
import { ProblemError, notAuthenticated, sessionExpired } from '../src/problem.ts'
import type { SessionIdentity } from '../src/session-data.ts'
import type { TokenResponse } from '../src/sweatstack-client.ts'
import { TokenRefresher } from '../src/token-refresher.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in identity; throws a 401 problem when there is none or the session has ended. */
    signedInIdentity (): SessionIdentity
    /** An access token for SweatStack, refreshed first when it is about to expire. */
    accessToken (options?: { forceRefresh?: boolean }): Promise<string>
  }
}

/** Builds the identity kept in the session from SweatStack's token answer. */
export function identityFromTokens (tokens: TokenResponse, previous?: SessionIdentity): SessionIdentity {
  const claims = decodeJwt(tokens.access_token)
  const now = Math.floor(Date.now() / 1000)
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

/** Who is signed in, and tokens that are always fresh when a route needs one. */
export default fp(async function auth (fastify) {
  const { config } = fastify
  const refresher = new TokenRefresher((refreshToken, requestId) => fastify.sweatstack.refresh(refreshToken, requestId))

  // Rewriting the cookie on every request would cost a Set-Cookie each time; a coarse "last seen" is enough.
  const touchIntervalSeconds = Math.min(300, Math.floor(config.sessionIdleTimeoutSeconds / 10))

  fastify.decorateRequest('signedInIdentity', function (this: FastifyRequest): SessionIdentity {
    const session = this.session
    const principal = session.get('principal')
    if (principal === undefined) throw notAuthenticated()
    const now = Math.floor(Date.now() / 1000)
    const createdAt = session.get('createdAt') ?? 0
    const lastSeenAt = session.get('lastSeenAt') ?? createdAt
    if (createdAt + config.sessionMaxAgeSeconds <= now) {
      session.delete()
      throw sessionExpired(`Sessions last at most ${config.sessionMaxAgeSeconds} seconds after sign-in: sign in again.`)
    }
    if (lastSeenAt + config.sessionIdleTimeoutSeconds <= now) {
      session.delete()
      throw sessionExpired(`The session was unused for more than ${config.sessionIdleTimeoutSeconds} seconds: sign in again.`)
    }
    if (now - lastSeenAt >= touchIntervalSeconds) session.set('lastSeenAt', now)
    // Whenever the cookie is written, the browser keeps it only as long as the session may live.
    session.options({ maxAge: createdAt + config.sessionMaxAgeSeconds - now })
    return principal
  })

  fastify.decorateRequest('accessToken', async function (this: FastifyRequest, options?: { forceRefresh?: boolean }): Promise<string> {
    const identity = this.signedInIdentity()
    const now = Date.now() / 1000
    if (!options?.forceRefresh && identity.expiresAt - config.refreshMarginSeconds > now) return identity.accessToken
    if (identity.refreshToken === null) {
      this.session.delete()
      throw sessionExpired('The access token expired and SweatStack gave no refresh token: sign in again.')
    }
    try {
      const tokens = await refresher.refresh(identity.refreshToken, this.id)
      const refreshed = identityFromTokens(tokens, identity)
      this.session.set('principal', refreshed)
      this.ensureSessionFits()
      this.log.info({ userId: refreshed.userId }, 'refreshed the SweatStack access token')
      return refreshed.accessToken
    } catch (error) {
      if (error instanceof ProblemError && error.code === 'session_expired') {
        this.session.delete()
        this.log.info({ userId: identity.userId }, 'SweatStack refused the refresh token; session ended')
      }
      throw error
    }
  })
}, { name: 'auth', dependencies: ['session', 'sweatstack-client'] })
