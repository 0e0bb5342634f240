import type { FastifyInstance } from 'fastify'
import { authenticate } from '../bearer.ts'
import { sendDetail, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { queryValue } from '../query.ts'
import type { Query } from '../query.ts'
import { sportMatches, validateSports } from '../sports.ts'
import { DAY_MS } from '../time.ts'
import { activitiesOf, activitySummaryView, activityView } from '../views.ts'
import { readListQuery } from '../list-query.ts'

/** The largest page `limit` accepts; the SDK pages activities by 100. */
export const maxActivitiesLimit = 100

export default async function activities (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.get('/api/v1/activities/', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const issues: ValidationIssue[] = []
    const { start, end, sports, tags, limit, offset } = readListQuery(query, issues, { fallback: 50, max: maxActivitiesLimit })
    if (issues.length > 0) return sendValidationError(reply, issues)

    const matching = activitiesOf(state, caller.user.id).filter((activity) => {
      const startMs = Date.parse(activity.start)
      if (start !== undefined && startMs < start) return false
      if (end !== undefined && startMs >= end + DAY_MS) return false
      if (sports.length > 0 && !sports.some((sport) => sportMatches(sport, activity.sport))) return false
      return tags.every((tag) => activity.tags?.includes(tag) === true)
    })
    const viewer = { userId: caller.user.id, clientId: caller.clientId }
    return matching.slice(offset, offset + limit).map((activity) => activitySummaryView(state, viewer, activity))
  })

  // FastAPI answers the path without its trailing slash with a redirect.
  fastify.get('/api/v1/activities', async (request, reply) => {
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    return reply.redirect('/api/v1/activities/' + search, 307)
  })

  fastify.get('/api/v1/activities/latest', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const sport = queryValue(query, 'sport')
    const issues: ValidationIssue[] = []
    if (sport !== undefined) validateSports([sport], 'sport', issues)
    if (issues.length > 0) return sendValidationError(reply, issues.map((issue) => ({ ...issue, loc: ['query', 'sport'] })))
    const latest = activitiesOf(state, caller.user.id).find((activity) => sport === undefined || sportMatches(sport, activity.sport))
    const body = latest === undefined ? null : activityView(state, { userId: caller.user.id, clientId: caller.clientId }, latest)
    return reply.type('application/json').send(JSON.stringify(body))
  })

  fastify.get<{ Params: { activityId: string } }>('/api/v1/activities/:activityId', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const activity = activitiesOf(state, caller.user.id).find((candidate) => candidate.id === request.params.activityId)
    if (activity === undefined) return sendDetail(reply, 404, 'Activity not found')
    return activityView(state, { userId: caller.user.id, clientId: caller.clientId }, activity)
  })
}
