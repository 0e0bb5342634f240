import type { FastifyInstance } from 'fastify'
import { authenticate } from '../bearer.ts'
import type { UserInfoResponse } from '../models.ts'
import { knownScopes } from '../scopes.ts'
import { issuerOf } from './token.ts'

/** Userinfo, OpenID discovery and the JWKS. */
export default async function identity (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.get('/api/v1/oauth/userinfo', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'profile')
    if (caller === null) return reply
    const { user } = caller
    const body: UserInfoResponse = {
      sub: user.id,
      name: user.name,
      given_name: user.givenName,
      family_name: user.familyName,
      email: user.email,
      registered_at: user.registeredAt,
      issue: null,
    }
    return body
  })

  fastify.get('/.well-known/jwks.json', async () => state.signer.jwks)

  fastify.get('/.well-known/openid-configuration', async (request) => {
    const issuer = issuerOf(request)
    return {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/api/v1/oauth/token`,
      userinfo_endpoint: `${issuer}/api/v1/oauth/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      scopes_supported: knownScopes,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    }
  })
}
