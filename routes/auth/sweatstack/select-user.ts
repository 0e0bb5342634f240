import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problemResponses } from '../../../src/schemas/problem.ts'
import { SessionInfo } from '../../../src/schemas/user.ts'

/**
 * Coach mode. POST /auth/sweatstack/select-user/{userId}: act as an athlete who shares data with you
 * (SweatStack's delegated token goes into the session); /api calls then read and write their data.
 * POST /auth/sweatstack/select-self: back to your own.
 */
const selectUser: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/select-user/:userId', {
    schema: {
      tags: ['auth'],
      operationId: 'selectUser',
      summary: 'Coach mode: act as an athlete',
      description: 'Answers the new session state. SweatStack decides who may be selected: 403 when the athlete does not share with you, 404 when there is no such user.',
      security: [{ session: [], csrf: [] }],
      params: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'The athlete\'s SweatStack user id.' }) }),
      querystring: Type.Object({ team_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'Act through this team\'s authorization rather than a direct share.' })) }, { additionalProperties: false }),
      response: { 200: SessionInfo, ...problemResponses(400, 401, 403, 404, 502, 503, 504) },
    },
  }, async (request) => request.sweatstack.selectAthlete(request.params.userId, request.query.team_id))

  fastify.post('/select-self', {
    schema: {
      tags: ['auth'],
      operationId: 'selectSelf',
      summary: 'Coach mode: back to your own data',
      description: 'Ends coach mode: `/api` calls use your own token again. Answers the new session state; harmless when no athlete is selected.',
      security: [{ session: [], csrf: [] }],
      response: { 200: SessionInfo, ...problemResponses(401, 403) },
    },
  }, async (request) => request.sweatstack.selectSelf())
}

export default selectUser
