import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemError } from '../../../src/errors.ts'
import { noContent, problemResponses } from '../../../src/schemas/problem.ts'
import { SessionInfo } from '../../../src/schemas/user.ts'

/** GET /auth/sweatstack/user: who is signed in, from the session alone (no call to SweatStack). */
const user: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/user', {
    schema: {
      tags: ['auth'],
      operationId: 'getSessionUser',
      summary: 'Who is signed in',
      description: 'Answers 401 problem+json (`not_authenticated` or `session_expired`) when nobody is; never a redirect. ' +
        'With `optional=true`, 204 instead: a page that only shows who is signed in (as /docs does) then logs no failed request in the browser\'s console.',
      querystring: Type.Object({
        optional: Type.Optional(Type.Boolean({ description: '`true`: answer 204 rather than 401 when nobody is signed in.' })),
      }),
      security: [{ session: [] }],
      response: { 200: SessionInfo, 204: noContent('Nobody is signed in (only with `optional=true`).'), ...problemResponses(401) },
    },
  }, async (request, reply) => {
    try {
      return await request.sweatstack.info()
    } catch (error) {
      if (request.query.optional === true && error instanceof ProblemError && error.status === 401) return reply.code(204).send()
      throw error
    }
  })
}

export default user
