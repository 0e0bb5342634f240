import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TokenResponse } from './models.ts'
import type { SandboxState } from './state.ts'

export const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' }

export function issuerOf (request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}

export interface TokenGrant {
  userId: string
  scopes: string[]
  refreshToken: string
  actorId?: string | null
}

/** Signs an access token for the grant and answers with the token response, as the token endpoint does. */
export async function sendTokens (state: SandboxState, request: FastifyRequest, reply: FastifyReply, grant: TokenGrant): Promise<FastifyReply> {
  const ttl = state.config.accessTokenTtlSeconds
  const { token, jti } = await state.signer.sign({
    userId: grant.userId, clientId: state.options.clientId, issuer: issuerOf(request), scopes: grant.scopes, ttlSeconds: ttl, nowMs: state.now(), actorId: grant.actorId ?? null,
  })
  state.grants.recordAccessToken(grant.userId, jti)
  state.issued.add(token).add(grant.refreshToken)
  if (grant.actorId != null) state.grants.recordAccessToken(grant.actorId, jti)
  const body: TokenResponse = {
    access_token: token, token_type: 'Bearer', expires_in: ttl, refresh_token: grant.refreshToken, scope: grant.scopes.join(' '), id_token: null,
  }
  return reply.headers(noStore).send(body)
}
