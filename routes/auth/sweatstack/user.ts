import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problemResponses } from '../../../src/schemas/problem.ts'
import { SessionInfo } from '../../../src/schemas/user.ts'

/** GET /auth/sweatstack/user: who is signed in, from the session alone (no call to SweatStack). */
const user: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/user', {
    schema: {
      tags: ['auth'],
      operationId: 'getSessionUser',
      summary: 'Who is signed in',
      description: 'Answers 401 problem+json (`not_authenticated` or `session_expired`) when nobody is; never a redirect.',
      security: [{ session: [] }],
      response: { 200: SessionInfo, ...problemResponses(401) },
    },
  }, async (request) => request.sweatstack.info())
}

export default user
