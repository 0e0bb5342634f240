import type { FastifyInstance } from 'fastify'
import { authenticate } from '../bearer.ts'
import { sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { queryValue, readBoolean } from '../query.ts'
import type { Query } from '../query.ts'
import { validateSports } from '../sports.ts'
import { activitiesOf, testsOf, tracesOf } from '../views.ts'
import { defaultCurveMetric, readMetric } from './activity-data.ts'

const rootOf = (sport: string): string => sport.split(/[.+]/)[0] ?? sport

/** Points of the modelled curve (s). */
const modelDurations = [1, 5, 15, 30, 60, 120, 180, 300, 600, 1200, 1800, 3600, 5400, 7200, 10800, 14400, 21600]

/**
 * A critical-power style curve: sprint capacity decaying towards the critical intensity, then a slow
 * log decline beyond an hour. Whole watts for power, m/s with 2 decimals for speed.
 */
function intensityCurve (metric: 'power' | 'speed', critical: number): Array<{ duration: number, intensity: number }> {
  const reserve = metric === 'power' ? 20_000 : 250
  const peak = critical * (metric === 'power' ? 4 : 1.8)
  return modelDurations.map((duration) => {
    let intensity = Math.min(peak, critical + reserve / duration)
    if (duration > 3600) intensity = critical * (1 - 0.06 * Math.log(duration / 3600))
    return { duration, intensity: metric === 'power' ? Math.round(intensity) : Math.round(intensity * 100) / 100 }
  })
}

export default async function profile (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.get('/api/v1/profile/status', async (request, reply) => {
    const caller = await authenticate(state, request, reply, ['data:read', 'profile'])
    if (caller === null) return reply
    const hasActivities = activitiesOf(state, caller.user.id).length > 0
    if (hasActivities) {
      return { issue: null, capabilities: { activities: 'ready', activity_history: 'ready', dailies: 'ready', workouts: 'ready' } }
    }
    return {
      issue: {
        code: 'no_source_connected',
        status: 'action_required',
        message: 'No data source is connected yet.',
        destination: caller.actorId === null ? 'manage-integrations' : null,
      },
      capabilities: { activities: 'action_required', activity_history: 'action_required', dailies: 'action_required', workouts: 'unavailable' },
    }
  })

  fastify.get('/api/v1/profile/sports/', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const issues: ValidationIssue[] = []
    const onlyRoot = readBoolean(request.query as Query, 'only_root', false, issues)
    if (issues.length > 0) return sendValidationError(reply, issues)
    const counts = new Map<string, number>()
    for (const activity of activitiesOf(state, caller.user.id)) {
      const sport = onlyRoot ? rootOf(activity.sport) : activity.sport
      counts.set(sport, (counts.get(sport) ?? 0) + 1)
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([sport]) => sport)
  })

  fastify.get('/api/v1/profile/tags/', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const tags = new Set<string>()
    for (const record of [...activitiesOf(state, caller.user.id), ...tracesOf(state, caller.user.id), ...testsOf(state, caller.user.id)]) {
      for (const tag of record.tags ?? []) tags.add(tag)
    }
    return [...tags].sort()
  })

  fastify.get('/api/v1/profile/intensity-duration-model', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const issues: ValidationIssue[] = []
    const sport = queryValue(query, 'sport')
    if (sport !== undefined) validateSports([sport], 'sport', issues)
    const requested = readMetric(query, 'metric', issues)
    if (requested !== undefined && requested !== 'power' && requested !== 'speed') {
      issues.push({ loc: ['query', 'metric'], msg: "Input should be 'power' or 'speed'", type: 'enum', input: requested })
    }
    if (issues.length > 0) return sendValidationError(reply.code(422), issues.map((issue) => issue.loc.length === 3 ? { ...issue, loc: ['query', 'sport'] } : issue))
    const activities = activitiesOf(state, caller.user.id)
    const chosenSport = sport ?? (activities[0] === undefined ? 'cycling' : rootOf(activities[0].sport))
    const metric = (requested ?? defaultCurveMetric(chosenSport)) as 'power' | 'speed'
    const matching = activities.filter((activity) => rootOf(activity.sport) === rootOf(chosenSport))
    const best = matching.reduce((top, activity) => Math.max(top, metric === 'power' ? activity.summary?.power?.mean ?? 0 : activity.summary?.speed?.mean ?? 0), 0)
    const critical = best > 0 ? best * (metric === 'power' ? 1.12 : 1.1) : metric === 'power' ? 240 : 3.8
    return { curve: intensityCurve(metric, critical) }
  })
}
