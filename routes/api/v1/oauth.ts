import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

/** /api/v1/oauth/userinfo. SweatStack's token endpoints are not exposed: tokens never reach the browser. */
const oauth: FastifyPluginAsync = async (fastify) => {
  fastify.proxyRoute(op.getUserInfo, { tags: ['oauth'], summary: 'The user\'s profile (the selected athlete\'s in coach mode)' })
}

export default oauth
