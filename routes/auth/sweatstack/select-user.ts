import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { fetchDisplayName, identityFromTokens } from '../../../plugins/auth.ts'
import { problemResponses } from '../../../src/schemas/problem.ts'
import { SessionInfo } from '../../../src/schemas/user.ts'
import { sessionInfo } from '../../../src/session-info.ts'
import type { TokenResponse } from '../../../src/sweatstack-client.ts'

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
  }, async (request, reply) => {
    const { userId } = request.params
    if (userId === (await request.signedInIdentity()).userId) {
      request.session.set('selected', undefined)
      return sessionInfo(request)
    }
    const tokens = await fastify.sweatstack.json<TokenResponse>({
      method: 'POST',
      path: '/api/v1/oauth/delegated-token',
      token: await request.accessToken({ as: 'principal' }),
      requestId: request.id,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ sub: userId, ...(request.query.team_id === undefined ? {} : { team_id: request.query.team_id }) }),
    })
    const athlete = identityFromTokens(tokens, fastify.now())
    athlete.name = await fetchDisplayName(request, athlete)
    request.session.set('selected', athlete)
    try {
      request.ensureSessionFits()
    } catch (error) {
      request.session.set('selected', undefined)
      throw error
    }
    request.log.info({ athlete: athlete.userId }, 'coach selected an athlete')
    return sessionInfo(request)
  })

  fastify.post('/select-self', {
    schema: {
      tags: ['auth'],
      operationId: 'selectSelf',
      summary: 'Coach mode: back to your own data',
      description: 'Ends coach mode: `/api` calls use your own token again. Answers the new session state; harmless when no athlete is selected.',
      security: [{ session: [], csrf: [] }],
      response: { 200: SessionInfo, ...problemResponses(401, 403) },
    },
  }, async (request, reply) => {
    await request.signedInIdentity()
    request.session.set('selected', undefined)
    return sessionInfo(request)
  })
}

export default selectUser
