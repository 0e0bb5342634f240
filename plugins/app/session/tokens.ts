import { decodeJwt } from 'jose'
import type { TokenResponse } from '../../../src/sweatstack-client.ts'
import type { SessionIdentity } from './session-data.ts'

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
