import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { SignJWT, calculateJwkThumbprint, exportJWK, jwtVerify } from 'jose'
import type { JWK } from 'jose'

export interface AccessTokenInput {
  userId: string
  clientId: string
  issuer: string
  scopes: string[]
  ttlSeconds: number
  nowMs: number
}

export interface VerifiedAccessToken {
  userId: string
  scopes: string[]
  jti: string
}

export interface AccessTokenSigner {
  jwks: { keys: JWK[] }
  sign: (input: AccessTokenInput) => Promise<{ token: string, jti: string }>
  /** Resolves to null for a token that is malformed, badly signed, for another audience or expired. */
  verify: (token: string, audience: string, nowMs: number) => Promise<VerifiedAccessToken | null>
}

/** One RSA-2048 key pair per sandbox start; RS256 access tokens as SweatStack issues them. */
export async function createAccessTokenSigner (): Promise<AccessTokenSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const publicJwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(publicJwk)
  const jwks = { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] }

  async function sign (input: AccessTokenInput): Promise<{ token: string, jti: string }> {
    const iat = Math.floor(input.nowMs / 1000)
    const jti = randomUUID()
    const token = await new SignJWT({ scope: input.scopes.join(' ') })
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
      return { userId: payload.sub, scopes, jti: payload.jti }
    } catch {
      return null
    }
  }

  return { jwks, sign, verify }
}
