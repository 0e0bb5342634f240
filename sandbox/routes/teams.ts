import type { FastifyInstance } from 'fastify'
import { authenticate, callerOf, requireCaller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendDetail, sendValidationError } from '../errors.ts'
import type { UserSummary } from '../models.ts'
import { knownScopes } from '../scopes.ts'
import { roleIn, teamsOf } from '../teams.ts'
import type { Team } from '../teams.ts'
import { userSummary } from './users.ts'

function teamFields (team: Team): { id: string, name: string, description: string, url: string, image: string, privacy_statement: string } {
  return { id: team.id, name: team.name, description: team.description, url: team.url, image: team.image, privacy_statement: team.privacyStatement }
}

export default async function teams (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  const findTeam = (teamId: string): Team | undefined => state.teams.teams.find((team) => team.id === teamId)

  fastify.get('/api/v1/teams/', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    return teamsOf(state.teams, caller.user.id).map((team) => ({ ...teamFields(team), role: roleIn(team, caller.user.id) }))
  })

  fastify.get('/api/v1/teams/authorized', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    return state.teams.teams.flatMap((team) => {
      const scopes = state.teams.grants.get(team.id)?.get(caller.user.id)
      return scopes === undefined || scopes.length === 0 ? [] : [{ ...teamFields(team), scopes: [...scopes] }]
    })
  })

  fastify.get<{ Params: { teamId: string } }>('/api/v1/teams/:teamId/users', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const team = findTeam(request.params.teamId)
    if (team === undefined) return sendDetail(reply, 404, 'Team not found')
    if (roleIn(team, caller.user.id) === null) return sendDetail(reply, 403, 'You are not a member of this team')
    const users: UserSummary[] = []
    for (const [userId, scopes] of state.teams.grants.get(team.id) ?? []) {
      const summary = scopes.length === 0 ? null : userSummary(userId, [...scopes])
      if (summary !== null) users.push(summary)
    }
    return users
  })

  fastify.post<{ Params: { teamId: string }, Body: { scopes: string[] } }>('/api/v1/teams/:teamId/authorize', {
    schema: { body: contractBody('AuthorizeTeamRequest') },
    preValidation: requireCaller(state, 'data:write'),
  }, async (request, reply) => {
    const caller = callerOf(request)
    const unknown = request.body.scopes.map((scope, index) => [scope, index] as const).filter(([scope]) => !(knownScopes as readonly string[]).includes(scope))
    if (unknown.length > 0) {
      return sendValidationError(reply, unknown.map(([scope, index]) => bodyIssue(['scopes', index], `Input should be ${knownScopes.map((known) => `'${known}'`).join(', ')}`, 'enum', scope)))
    }
    const team = findTeam(request.params.teamId)
    if (team === undefined) return sendDetail(reply, 404, 'Team not found')
    const scopes = [...new Set(request.body.scopes)]
    let grants = state.teams.grants.get(team.id)
    if (grants === undefined) state.teams.grants.set(team.id, grants = new Map())
    if (scopes.length === 0) grants.delete(caller.user.id)
    else grants.set(caller.user.id, scopes)
    return { team_id: team.id, user_id: caller.user.id, scopes }
  })
}
