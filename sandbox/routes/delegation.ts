import type { FastifyInstance } from 'fastify'
import { findAccount } from '../accounts.ts'
import { authenticate, callerOf, requireCaller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendDetail, sendValidationError } from '../errors.ts'
import { knownScopes } from '../scopes.ts'
import { mayActAs } from '../teams.ts'
import { sendTokens } from '../token-response.ts'

interface DelegatedTokenBody {
  sub: string
  team_id?: string | null
  scopes?: string[] | null
}

/**
 * Delegated tokens (coach → athlete) and back. A delegated access token has `sub` = the athlete
 * and `act.sub` = the principal (RFC 8693 style; SweatStack's own marker is unknown), and its own
 * refresh token, refreshed at the token endpoint with the app's client credentials like any other.
 * Its scopes are the requested ones within the principal token's scopes; the share's own scopes
 * are not enforced, so a delegated token acts fully as the athlete.
 */
export default async function delegation (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.post<{ Body: DelegatedTokenBody }>('/api/v1/oauth/delegated-token', {
    schema: { body: contractBody('DelegatedTokenRequest') },
    preValidation: requireCaller(state, null),
  }, async (request, reply) => {
    const caller = callerOf(request)
    const { sub, team_id: teamId, scopes: requested } = request.body
    const unknown = (requested ?? []).map((scope, index) => [scope, index] as const).filter(([scope]) => !(knownScopes as readonly string[]).includes(scope))
    if (unknown.length > 0) return sendValidationError(reply, unknown.map(([scope, index]) => bodyIssue(['scopes', index], 'Unknown scope', 'enum', scope)))
    const principalId = caller.actorId ?? caller.user.id
    if (findAccount(state.managedUsers, sub) === undefined) return sendDetail(reply, 404, 'User not found')
    if (teamId != null && !state.teams.teams.some((team) => team.id === teamId)) return sendDetail(reply, 404, 'Team not found')
    if (!mayActAs(state.teams, state.managedUsers, principalId, sub, teamId ?? undefined)) return sendDetail(reply, 403, "You don't have access to this user")
    const scopes = requested == null ? caller.scopes : [...new Set(requested)].filter((scope) => caller.scopes.includes(scope))
    if (scopes.length === 0) return sendDetail(reply, 403, 'Not enough permissions')
    const actorId = sub === principalId ? null : principalId
    const refreshToken = state.grants.issueRefreshToken({ clientId: state.options.clientId, userId: sub, scopes, actorId })
    return sendTokens(state, request, reply, { userId: sub, scopes, refreshToken, actorId })
  })

  fastify.get('/api/v1/oauth/principal-token', async (request, reply) => {
    const caller = await authenticate(state, request, reply, null)
    if (caller === null) return reply
    const principalId = caller.actorId ?? caller.user.id
    const refreshToken = state.grants.issueRefreshToken({ clientId: state.options.clientId, userId: principalId, scopes: caller.scopes })
    return sendTokens(state, request, reply, { userId: principalId, scopes: caller.scopes, refreshToken })
  })
}
