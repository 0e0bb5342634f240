import type { FastifyPluginAsync } from 'fastify'
import { proxyRoute } from '../../../src/contract-route.ts'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['profile']

/** /api/v1/profile/...: about the user rather than one activity. */
const profile: FastifyPluginAsync = async (fastify) => {
  proxyRoute(fastify, op.getAccountStatus, { tags, summary: 'Account status: what the app can rely on, and what the user must do (beta)' })
  proxyRoute(fastify, op.listProfileSports, { tags, summary: 'The sports the user has activities in' })
  proxyRoute(fastify, op.listProfileTags, { tags, summary: 'The tags the user has used' })
  proxyRoute(fastify, op.getIntensityDurationModel, { tags, summary: 'Modelled intensity-duration curve (in development at SweatStack)' })
  proxyRoute(fastify, op.putProfileAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Set this app\'s metadata on the user (replaces it; 4 KB at most)', errors: [413] })
  proxyRoute(fastify, op.deleteProfileAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Remove this app\'s metadata from the user' })
}

export default profile
