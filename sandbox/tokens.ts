import { generateKeyPairSync, randomUUID } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { SignJWT, calculateJwkThumbprint, exportJWK, jwtVerify } from 'jose'
import type { JWK } from 'jose'

export interface AccessTokenInput {
  userId: string
  clientId: string
  issuer: string
  scopes: string[]
  ttlSeconds: number
  nowMs: number
  /**
   * The principal acting as `userId` (delegated tokens), written as an RFC 8693 `act` claim:
   * `{"act": {"sub": "<principal id>"}}`. SweatStack's real delegation marker is unknown
   * (reference §8), so clients should not depend on this claim.
   */
  actorId?: string | null
}

export interface VerifiedAccessToken {
  userId: string
  scopes: string[]
  jti: string
  /** The principal of a delegated token (`act.sub`), else null. */
  actorId: string | null
  /** The `aud` claim: the application's client id. */
  audience: string | null
}

export interface AccessTokenSigner {
  jwks: { keys: JWK[] }
  sign: (input: AccessTokenInput) => Promise<{ token: string, jti: string }>
  /** Resolves to null for a token that is malformed, badly signed, for another audience or expired. */
  verify: (token: string, audience: string, nowMs: number) => Promise<VerifiedAccessToken | null>
}

interface KeyPair { privateKey: KeyObject, publicKey: KeyObject }
let processKeyPair: KeyPair | undefined

/**
 * One RSA-2048 key pair per process, made at the first start: making one takes 40-100 ms, and a test
 * file may start dozens of sandboxes (86 in seed-dates). A sandbox process that restarts gets a new key.
 */
function signingKeyPair (): KeyPair {
  processKeyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
  return processKeyPair
}

/** RS256 access tokens as SweatStack issues them, signed with the process's key pair. */
export async function createAccessTokenSigner (): Promise<AccessTokenSigner> {
  const { privateKey, publicKey } = signingKeyPair()
  const publicJwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(publicJwk)
  const jwks = { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] }

  async function sign (input: AccessTokenInput): Promise<{ token: string, jti: string }> {
    const iat = Math.floor(input.nowMs / 1000)
    const jti = randomUUID()
    const claims: Record<string, unknown> = { scope: input.scopes.join(' ') }
    if (input.actorId != null) claims.act = { sub: input.actorId }
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setSubject(input.userId)
      .setAudience(input.clientId)
      .setIssuer(input.issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + input.ttlSeconds)
      .setJti(jti)
      .sign(privateKey)
    return { token, jti }
  }

  async function verify (token: string, audience: string, nowMs: number): Promise<VerifiedAccessToken | null> {
    try {
      const { payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'], audience, currentDate: new Date(nowMs) })
      if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return null
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []
      const act = payload.act as { sub?: unknown } | undefined
      const actorId = typeof act?.sub === 'string' ? act.sub : null
      const audienceClaim = payload.aud
      const tokenAudience = typeof audienceClaim === 'string' ? audienceClaim : (audienceClaim?.[0] ?? null)
      return { userId: payload.sub, scopes, jti: payload.jti, actorId, audience: tokenAudience }
    } catch {
      return null
    }
  }

  return { jwks, sign, verify }
}
