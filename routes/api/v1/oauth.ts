import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { forwardToSweatStack } from '../../../src/forward.ts'
import { problemResponses, upstreamProblems } from '../../../src/schemas/problem.ts'
import { UserInfo } from '../../../src/schemas/user.ts'

/** /api/v1/oauth/userinfo: who the signed-in user is, from SweatStack. */
const oauth: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/oauth/userinfo', {
    schema: {
      tags: ['oauth'],
      operationId: 'getUserInfo',
      summary: 'The signed-in user\'s profile',
      description: 'SweatStack\'s user info for the signed-in user (needs the `profile` scope).',
      security: [{ session: [], csrf: [] }],
      response: { 200: UserInfo, ...problemResponses(...upstreamProblems) },
    },
  }, async (request, reply) => forwardToSweatStack(request, reply, { method: 'GET', path: '/api/v1/oauth/userinfo' }))
}

export default oauth
