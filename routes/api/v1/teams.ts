import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['teams']

/** /api/v1/teams/...: teams you own or belong to, and teams you let see your data. */
const teams: FastifyPluginAsync = async (fastify) => {
  fastify.proxyRoute(op.listTeams, { tags, summary: 'Teams you own or are a member of' })
  fastify.proxyRoute(op.listAuthorizedTeams, { tags, summary: 'Teams you have let see your data' })
  fastify.proxyRoute(op.listTeamUsers, { tags, summary: 'The users who authorized a team', errors: [404] })
  fastify.proxyRoute(op.authorizeTeam, { tags, summary: 'Let a team see your data', errors: [404] })
}

export default teams
