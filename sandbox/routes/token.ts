import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendValidationError } from '../errors.ts'
import { readClientCredentials, sameSecret } from '../client-auth.ts'
import { formFields } from '../form-body.ts'
import type { FormFields } from '../form-body.ts'
import type { SandboxState } from '../state.ts'
import { noStore, sendTokens } from '../token-response.ts'

export { issuerOf } from '../token-response.ts'

/** A refusal, worded as OAuth does (`{error, error_description}`) or as FastAPI does (`{detail}`): see `tokenErrorShape`. */
function refusalBody (state: SandboxState, error: string, description: string): Record<string, string> {
  return state.config.tokenErrorShape === 'fastapi' ? { detail: description } : { error, error_description: description }
}

function pkceChallengeOf (verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

function isFormRequest (request: FastifyRequest): boolean {
  const type = request.headers['content-type']
  return type === undefined || type.toLowerCase().startsWith('application/x-www-form-urlencoded')
}

/** `POST /api/v1/oauth/token` and its legacy alias `/oauth/token`: the authorization_code and refresh_token grants. */
export default async function token (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  function oauthError (reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
    return reply.code(status).headers(noStore).send(refusalBody(state, error, description))
  }

  function tokens (request: FastifyRequest, reply: FastifyReply, userId: string, scopes: string[], refreshToken: string, actorId?: string | null): Promise<FastifyReply> {
    return sendTokens(state, request, reply, { userId, scopes, refreshToken, actorId })
  }

  async function authorizationCodeGrant (request: FastifyRequest, reply: FastifyReply, form: FormFields): Promise<FastifyReply> {
    if (form.code === undefined || form.code === '') return oauthError(reply, 400, 'invalid_request', 'code is required')
    const lookup = state.grants.redeemCode(form.code)
    if (!lookup.ok) return oauthError(reply, 400, 'invalid_grant', lookup.reason)
    const code = lookup.code
    if (code.clientId !== state.options.clientId) return oauthError(reply, 400, 'invalid_grant', 'Authorization code was issued to another client')
    const verifier = form.code_verifier
    if (code.codeChallenge !== null) {
      if (verifier === undefined || verifier === '') return oauthError(reply, 400, 'invalid_request', 'code_verifier is required')
      if (pkceChallengeOf(verifier) !== code.codeChallenge) return oauthError(reply, 400, 'invalid_grant', 'PKCE verification failed')
    } else if (verifier !== undefined) {
      return oauthError(reply, 400, 'invalid_grant', 'code_verifier given, but the authorization request had no code_challenge')
    }
    const refreshToken = state.grants.issueRefreshToken({ clientId: code.clientId, userId: code.userId, scopes: code.scopes })
    return tokens(request, reply, code.userId, code.scopes, refreshToken)
  }

  async function refreshTokenGrant (request: FastifyRequest, reply: FastifyReply, form: FormFields): Promise<FastifyReply> {
    const given = form.refresh_token
    if (given === undefined || given === '') return oauthError(reply, 400, 'invalid_request', 'refresh_token is required')
    const lookup = state.grants.findRefreshToken(given)
    if (!lookup.ok) return oauthError(reply, 400, 'invalid_grant', lookup.reason)
    const grant = lookup.grant
    if (grant.clientId !== state.options.clientId) return oauthError(reply, 400, 'invalid_grant', 'Refresh token was issued to another client')
    const refreshToken = state.config.rotateRefreshTokens ? state.grants.rotateRefreshToken(given) : given
    return tokens(request, reply, grant.userId, grant.scopes, refreshToken, grant.actorId)
  }

  async function handleToken (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    // FastAPI reads these as Form fields: a JSON body leaves them all missing.
    if (!isFormRequest(request)) {
      return sendValidationError(reply, [{ loc: ['body', 'grant_type'], msg: 'Field required', type: 'missing' }])
    }
    const form = formFields(request.body)
    const grantType = form.grant_type
    if (grantType === 'authorization_code' || grantType === 'refresh_token') state.stats.token[grantType]++

    const client = readClientCredentials(request.headers.authorization, form)
    const { clientId, clientSecret } = client
    const valid = !client.conflicting && clientId === state.options.clientId &&
      clientSecret !== undefined && sameSecret(clientSecret, state.options.clientSecret)
    if (!valid) {
      const challenge = client.basic ? { 'www-authenticate': 'Basic realm="sweatstack-sandbox"' } : {}
      return reply.code(401).headers({ ...noStore, ...challenge }).send(refusalBody(state, 'invalid_client', 'Invalid client credentials'))
    }

    if (grantType === undefined || grantType === '') return oauthError(reply, 400, 'invalid_request', 'grant_type is required')
    if (grantType === 'authorization_code') return authorizationCodeGrant(request, reply, form)
    if (grantType === 'refresh_token') return refreshTokenGrant(request, reply, form)
    return oauthError(reply, 400, 'unsupported_grant_type', `Unsupported grant_type ${grantType}`)
  }

  fastify.post('/api/v1/oauth/token', handleToken)
  fastify.post('/oauth/token', handleToken)
}
