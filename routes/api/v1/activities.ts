import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['activities']
/** SweatStack closes the backfill stream after 60 s; between its lines it may be quiet for a few seconds. */
const BACKFILL_QUIET_MS = 90_000

/** /api/v1/activities/...: SweatStack's activity endpoints at its own paths (upload: activities-upload.ts). */
const activities: FastifyPluginAsync = async (fastify) => {
  // GET /api/v1/activities/
  fastify.proxyRoute(op.listActivities, { tags, summary: 'List activities, newest first', description: 'Page with `limit` and `offset`; there is no total count, and a page shorter than `limit` is the last.' })
  // GET /api/v1/activities/latest
  fastify.proxyRoute(op.getLatestActivity, { tags, summary: 'The latest activity, or null', description: 'The body is JSON `null` when there is none.' })
  // GET /api/v1/activities/backfill-status
  fastify.proxyRoute(op.getBackfillStatus, { tags, summary: 'Watch the import of past activities', description: 'A stream of JSON lines, each passed on as SweatStack writes it; SweatStack ends it after 60 s.' }, { bodyTimeoutMs: BACKFILL_QUIET_MS })
  // GET /api/v1/activities/longitudinal-data, -mean-max, -accumulated-work-duration
  fastify.proxyRoute(op.getLongitudinalData, { tags, summary: 'Time series across activities (Parquet)' })
  fastify.proxyRoute(op.getLongitudinalMeanMax, { tags, summary: 'Mean-max curve across activities (Parquet)' })
  fastify.proxyRoute(op.getLongitudinalAccumulatedWorkDuration, { tags, summary: 'Accumulated work duration across activities (Parquet, beta)' })
  // GET /api/v1/activities/{activity_id} and its data
  fastify.proxyRoute(op.getActivity, { tags, summary: 'One activity', errors: [404] })
  fastify.proxyRoute(op.getActivityData, { tags, summary: 'An activity\'s time series (Parquet, or JSON columns)', errors: [404, 413] })
  fastify.proxyRoute(op.getActivityMeanMax, { tags, summary: 'An activity\'s mean-max curve (Parquet, or JSON columns)', errors: [404] })
  fastify.proxyRoute(op.getActivityAccumulatedWorkDuration, { tags, summary: 'An activity\'s accumulated work duration (Parquet, or JSON columns)', errors: [404] })
  // PUT, DELETE /api/v1/activities/{activity_id}/app-metadata
  fastify.proxyRoute(op.putActivityAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Set this app\'s metadata on an activity (replaces it; 1 KB at most)', errors: [404, 413] })
  fastify.proxyRoute(op.deleteActivityAppMetadata, { tags: [...tags, 'app-metadata'], summary: 'Remove this app\'s metadata from an activity', errors: [404] })
}

export default activities
