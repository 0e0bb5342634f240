import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['profile']

/** /api/v1/profile/...: about the user rather than one activity. */
const profile: FastifyPluginAsync = async (fastify) => {
  fastify.proxyRoute(op.getAccountStatus, { tags, summary: 'Account status: what the app can rely on, and what the user must do (beta)' })
  fastify.proxyRoute(op.listProfileSports, { tags, summary: 'The sports the user has activities in' })
  fastify.proxyRoute(op.listProfileTags, { tags, summary: 'The tags the user has used' })
  fastify.proxyRoute(op.getIntensityDurationModel, { tags, summary: 'Modelled intensity-duration curve (in development at SweatStack)' })
  fastify.proxyRoute(op.putProfileAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Set this app\'s metadata on the user (replaces it; 4 KB at most)', errors: [413] })
  fastify.proxyRoute(op.deleteProfileAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Remove this app\'s metadata from the user' })
}

export default profile
