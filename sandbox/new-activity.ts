import { randomInt } from 'node:crypto'
import { findAccount } from './accounts.ts'
import type { ValidationIssue } from './errors.ts'
import type { ActivityDetails } from './models.ts'
import { createRandom } from './prng.ts'
import { buildActivity } from './seed.ts'
import { sportPattern } from './sports.ts'
import type { SandboxState } from './state.ts'
import { parseAwareDateTime } from './time.ts'
import { isKnownMetric } from './timeseries.ts'
import { activitiesOf, insertNewestFirst } from './views.ts'

/**
 * The longest activity the knob creates: 60 days at 1 Hz (5 184 000 rows). Its Parquet is streamed
 * one 65 536-row group at a time, so memory stays flat (one row group, a few MB); time is what
 * grows: with 8 metrics about 3 MB and 0.2 s per day of data, so 100 MB (34 days) takes about 7 s
 * and the maximum about 180 MB in 13 s. Curves (mean-max, AWD) hold one whole stream in memory
 * (8 bytes a second) and cost O(rows × durations): fine for days, slow for weeks with `durations=all`.
 */
export const maxActivitySeconds = 60 * 24 * 3600

export interface NewActivityInput {
  userId: string
  sport: string
  durationSeconds: number
  /** Streams to declare (Metric names); default: what the sport records. */
  metrics?: string[]
  /** Offset-aware ISO 8601 start; default: so that it ends now. */
  start?: string
}

export type ParsedActivityInput = { input: NewActivityInput } | { issues: ValidationIssue[] }

export function parseNewActivity (body: unknown): ParsedActivityInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { issues: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }] }
  }
  const { userId, sport, durationSeconds, metrics, start } = body as Record<string, unknown>
  const issues: ValidationIssue[] = []
  if (typeof userId !== 'string' || userId === '') issues.push({ loc: ['body', 'userId'], msg: 'Field required', type: 'missing' })
  if (typeof sport !== 'string' || !sportPattern.test(sport)) issues.push({ loc: ['body', 'sport'], msg: 'An OpenSportTaxonomy sport is required', type: 'string_pattern_mismatch', input: sport })
  if (typeof durationSeconds !== 'number' || !Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > maxActivitySeconds) {
    issues.push({ loc: ['body', 'durationSeconds'], msg: `Input should be an integer from 1 to ${maxActivitySeconds}`, type: 'int_type', input: durationSeconds })
  }
  if (metrics !== undefined && (!Array.isArray(metrics) || metrics.some((metric) => typeof metric !== 'string' || !isKnownMetric(metric)))) {
    issues.push({ loc: ['body', 'metrics'], msg: 'Input should be a list of known metrics', type: 'enum', input: metrics })
  }
  if (start !== undefined && (typeof start !== 'string' || parseAwareDateTime(start) === null)) {
    issues.push({ loc: ['body', 'start'], msg: 'Input should be an offset-aware ISO 8601 date-time', type: 'timezone_aware', input: start })
  }
  if (issues.length > 0) return { issues }
  const input: NewActivityInput = { userId: userId as string, sport: sport as string, durationSeconds: durationSeconds as number }
  if (metrics !== undefined) input.metrics = [...new Set(metrics as string[])]
  if (start !== undefined) input.start = start as string
  return { input }
}

/** Creates and stores an activity for a user (throws when the user is unknown), announcing `activity_created`. */
export function addActivity (state: SandboxState, input: NewActivityInput): ActivityDetails {
  const account = findAccount(state.managedUsers, input.userId)
  if (account === undefined) throw new Error(`unknown user ${input.userId}`)
  const startMs = input.start === undefined
    ? Math.floor(state.now() / 1000) * 1000 - input.durationSeconds * 1000
    : Math.floor((parseAwareDateTime(input.start) ?? state.now()) / 1000) * 1000
  const activity = buildActivity({
    givenName: account.givenName,
    sport: input.sport,
    startMs,
    durationSeconds: input.durationSeconds,
    metrics: input.metrics,
    random: createRandom(randomInt(2 ** 32)),
  })
  insertNewestFirst(activitiesOf(state, input.userId), activity, (item) => Date.parse(item.start))
  state.events.emit('activity_created', { userId: input.userId, resourceId: activity.id })
  return activity
}
