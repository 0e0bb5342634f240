import type { FastifyPluginAsync } from 'fastify'
import { proxyRoute } from '../../../src/contract-route.ts'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

/** /api/v1/oauth/userinfo. SweatStack's token endpoints are not exposed: tokens never reach the browser. */
const oauth: FastifyPluginAsync = async (fastify) => {
  proxyRoute(fastify, op.getUserInfo, { tags: ['oauth'], summary: 'The user\'s profile (the selected athlete\'s in coach mode)' })
}

export default oauth
