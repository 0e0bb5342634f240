import { randomBytes } from 'node:crypto'

const CODE_TTL_MS = 60_000

export interface AuthorizationCode {
  clientId: string
  redirectUri: string
  scopes: string[]
  userId: string
  codeChallenge: string | null
  expiresAt: number
  used: boolean
}

export interface RefreshGrant {
  clientId: string
  userId: string
  scopes: string[]
  /** For a delegated pair: the principal acting as `userId`. */
  actorId?: string | null
}

export type CodeLookup =
  | { ok: true, code: AuthorizationCode }
  | { ok: false, reason: string }

export type RefreshLookup =
  | { ok: true, grant: RefreshGrant }
  | { ok: false, reason: string }

export interface GrantStore {
  issueCode: (grant: Omit<AuthorizationCode, 'expiresAt' | 'used'>) => string
  /** Looks a code up and spends it: a code is consumed by its first exchange, whatever the outcome. */
  redeemCode: (code: string) => CodeLookup
  issueRefreshToken: (grant: RefreshGrant) => string
  findRefreshToken: (token: string) => RefreshLookup
  /** Replaces a refresh token by a new one; the old one is rejected from then on. */
  rotateRefreshToken: (token: string) => string
  revokeUser: (userId: string) => number
  isAccessTokenRevoked: (jti: string) => boolean
  recordAccessToken: (userId: string, jti: string) => void
}

export function randomToken (bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function createGrantStore (now: () => number): GrantStore {
  const codes = new Map<string, AuthorizationCode>()
  const refreshTokens = new Map<string, RefreshGrant>()
  const retiredRefreshTokens = new Map<string, string>()
  const accessTokensByUser = new Map<string, Set<string>>()
  const revokedAccessTokens = new Set<string>()

  function forgetStaleCodes (): void {
    for (const [code, entry] of codes) {
      if (entry.expiresAt + 10 * CODE_TTL_MS < now()) codes.delete(code)
    }
  }

  function issueRefreshToken (grant: RefreshGrant): string {
    const token = randomToken()
    refreshTokens.set(token, grant)
    return token
  }

  return {
    issueRefreshToken,
    issueCode (grant) {
      forgetStaleCodes()
      const code = randomToken()
      codes.set(code, { ...grant, expiresAt: now() + CODE_TTL_MS, used: false })
      return code
    },
    redeemCode (code) {
      const entry = codes.get(code)
      if (entry === undefined) return { ok: false, reason: 'Invalid authorization code' }
      if (entry.used) return { ok: false, reason: 'Authorization code has already been used' }
      entry.used = true
      if (entry.expiresAt <= now()) return { ok: false, reason: 'Authorization code has expired' }
      return { ok: true, code: entry }
    },
    findRefreshToken (token) {
      const grant = refreshTokens.get(token)
      if (grant !== undefined) return { ok: true, grant }
      return { ok: false, reason: retiredRefreshTokens.get(token) ?? 'Invalid refresh token' }
    },
    rotateRefreshToken (token) {
      const grant = refreshTokens.get(token)
      if (grant === undefined) throw new Error('rotateRefreshToken needs a live refresh token')
      refreshTokens.delete(token)
      retiredRefreshTokens.set(token, 'Refresh token has been rotated and is no longer valid')
      return issueRefreshToken(grant)
    },
    revokeUser (userId) {
      let revoked = 0
      for (const [token, grant] of refreshTokens) {
        if (grant.userId !== userId && grant.actorId !== userId) continue
        refreshTokens.delete(token)
        retiredRefreshTokens.set(token, 'Refresh token has been revoked')
        revoked++
      }
      for (const jti of accessTokensByUser.get(userId) ?? []) revokedAccessTokens.add(jti)
      accessTokensByUser.delete(userId)
      return revoked
    },
    isAccessTokenRevoked (jti) {
      return revokedAccessTokens.has(jti)
    },
    recordAccessToken (userId, jti) {
      const jtis = accessTokensByUser.get(userId) ?? new Set<string>()
      jtis.add(jti)
      accessTokensByUser.set(userId, jtis)
    },
  }
}
