import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

/** /api/v1/portal/sessions: a link to SweatStack's portal, where users manage integrations and teams. */
const portal: FastifyPluginAsync = async (fastify) => {
  fastify.proxyRoute(op.createPortalSession, { tags: ['portal'], as: 'principal', summary: 'A one-time link to SweatStack\'s portal (beta)', description: '`return_url` must be under one of the app\'s redirect URIs.' })
}

export default portal
