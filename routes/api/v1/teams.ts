import type { FastifyPluginAsync } from 'fastify'
import { proxyRoute } from '../../../src/contract-route.ts'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['teams']

/** /api/v1/teams/...: teams you own or belong to, and teams you let see your data. */
const teams: FastifyPluginAsync = async (fastify) => {
  proxyRoute(fastify, op.listTeams, { tags, summary: 'Teams you own or are a member of' })
  proxyRoute(fastify, op.listAuthorizedTeams, { tags, summary: 'Teams you have let see your data' })
  proxyRoute(fastify, op.listTeamUsers, { tags, summary: 'The users who authorized a team', errors: [404] })
  proxyRoute(fastify, op.authorizeTeam, { tags, summary: 'Let a team see your data', errors: [404] })
}

export default teams
