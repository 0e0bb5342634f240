import type { FastifyInstance } from 'fastify'
import { authenticate } from '../bearer.ts'
import { accumulatedWorkDuration, allDurations, defaultDurations, indexAfterWork, meanMax, readDurations } from '../curves.ts'
import type { Best } from '../curves.ts'
import { sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import type { ActivityDetails } from '../models.ts'
import type { ColumnBatch, ColumnSpec } from '../parquet.ts'
import { missingQuery, queryValue, queryValues, readChoice, readDate, readInteger } from '../query.ts'
import type { Query } from '../query.ts'
import { homeOf } from '../seed.ts'
import { sportMatches } from '../sports.ts'
import type { SandboxState } from '../state.ts'
import { DAY_MS, parseDate } from '../time.ts'
import { activitySeries, metricSeries } from '../timeseries.ts'
import { activitiesOf } from '../views.ts'
import { curveMetrics, defaultCurveMetric, metricColumns, readMetric, readMetrics, sendParquet } from './activity-data.ts'
import { readSportFilter } from '../list-query.ts'

const maxAfterValues = 5

interface Range { startMs: number, endMs: number }

/** `start`/`end`, or the deprecated `date` + `window_days`; `end` defaults to today. */
function readRange (state: SandboxState, query: Query, issues: ValidationIssue[], startRequired: boolean): Range {
  const today = parseDate(new Date(state.now()).toISOString().slice(0, 10)) ?? 0
  const date = readDate(query, 'date', issues)
  const windowDays = queryValue(query, 'window_days') === undefined ? undefined : readInteger(query, 'window_days', { fallback: 90, min: 1 }, issues)
  const end = readDate(query, 'end', issues) ?? date ?? today
  let start = readDate(query, 'start', issues)
  if (start === undefined && windowDays !== undefined) start = end - (windowDays - 1) * DAY_MS
  if (start === undefined && startRequired && queryValue(query, 'start') === undefined) issues.push(missingQuery('start'))
  return { startMs: start ?? end - 364 * DAY_MS, endMs: end }
}

function matchingActivities (state: SandboxState, userId: string, sports: string[], range: Range): ActivityDetails[] {
  return activitiesOf(state, userId)
    .filter((activity) => {
      const startMs = Date.parse(activity.start)
      return startMs >= range.startMs && startMs < range.endMs + DAY_MS && sports.some((sport) => sportMatches(sport, activity.sport))
    })
    .reverse()
}

export default async function longitudinal (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.get('/api/v1/activities/longitudinal-data', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const issues: ValidationIssue[] = []
    const sports = readSportFilter(query, issues, true)
    const range = readRange(state, query, issues, true)
    const metrics = readMetrics(query, issues) ?? ['duration', 'power', 'heart_rate', 'speed']
    // Segmentation is validated and then ignored: longitudinal data stays 1 Hz in the sandbox.
    readChoice(query, 'segmentation_on', curveMetrics, issues)
    if (issues.length > 0) return sendValidationError(reply, issues)
    const activities = matchingActivities(state, caller.user.id, sports, range)
    const home = homeOf(caller.user.givenName)
    const columns: ColumnSpec[] = [
      { name: 'timestamp', kind: 'timestamp' }, { name: 'timestamp_local', kind: 'timestamp_local' },
      { name: 'activity_id', kind: 'string' }, { name: 'sport', kind: 'string' }, ...metricColumns(metrics),
    ]
    const batches = (function * (): Generator<ColumnBatch> {
      for (const activity of activities) {
        for (const batch of activitySeries(activity, metrics, home)) {
          const rows = batch.timestamps.length
          yield [batch.timestamps, batch.localTimestamps, new Array<string>(rows).fill(activity.id), new Array<string>(rows).fill(activity.sport), ...batch.columns]
        }
      }
    })()
    return sendParquet(reply, columns, batches)
  })

  fastify.get('/api/v1/activities/longitudinal-mean-max', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const issues: ValidationIssue[] = []
    const sports = readSportFilter(query, issues, true)
    const metric = readChoice(query, 'metric', curveMetrics, issues) ?? 'power'
    const range = readRange(state, query, issues, false)
    const durations = readDurations(queryValue(query, 'durations'), issues)
    const afterTexts = queryValues(query, 'after')
    const after = afterTexts.map((text, index) => {
      const value = Number(text)
      if (text.trim() === '' || !Number.isFinite(value)) issues.push({ loc: ['query', 'after', index], msg: 'Input should be a valid number, unable to parse string as a number', type: 'float_parsing', input: text })
      else if (value < 0) issues.push({ loc: ['query', 'after', index], msg: 'Input should be greater than or equal to 0', type: 'greater_than_equal', input: text, ctx: { ge: 0 } })
      return value
    })
    if (after.length > maxAfterValues) issues.push({ loc: ['query', 'after'], msg: `List should have at most ${maxAfterValues} items after validation, not ${after.length}`, type: 'too_long', input: afterTexts })
    if (issues.length > 0) return sendValidationError(reply, issues)
    // With fatigue states the range is capped at one year.
    if (after.length > 0) range.startMs = Math.max(range.startMs, range.endMs - 364 * DAY_MS)

    const activities = matchingActivities(state, caller.user.id, sports, range)
    const home = homeOf(caller.user.givenName)
    const states = after.length === 0 ? [null] : after
    const best = new Map<string, Best & { activity: ActivityDetails, after: number | null }>()
    for (const activity of activities) {
      const values = metricSeries(activity, metric, home)
      if (values.every(Number.isNaN)) continue
      const wanted = durations === 'all' ? allDurations(values.length) : durations ?? defaultDurations
      for (const fatigue of states) {
        const from = fatigue === null ? 0 : indexAfterWork(values, metric, fatigue)
        if (from < 0) continue
        for (const entry of meanMax(values.subarray(from), wanted)) {
          const key = `${fatigue ?? ''}|${entry.duration}`
          const current = best.get(key)
          if (current === undefined || entry.value > current.value) best.set(key, { ...entry, startIndex: entry.startIndex + from, activity, after: fatigue })
        }
      }
    }
    const rows = [...best.values()].sort((a, b) => (a.after ?? 0) - (b.after ?? 0) || a.duration - b.duration)
    const columns: ColumnSpec[] = [
      { name: 'duration', kind: 'int32' }, { name: metric, kind: 'double' }, { name: 'start', kind: 'timestamp' },
      { name: 'activity_id', kind: 'string' }, { name: 'sport', kind: 'string' },
    ]
    const batch: ColumnBatch = [
      Int32Array.from(rows, (row) => row.duration),
      Float64Array.from(rows, (row) => Math.round(row.value * 100) / 100),
      Float64Array.from(rows, (row) => Date.parse(row.activity.start) + row.startIndex * 1000),
      rows.map((row) => row.activity.id),
      rows.map((row) => row.activity.sport),
    ]
    if (after.length > 0) {
      columns.push({ name: 'after', kind: 'double' })
      batch.push(Float64Array.from(rows, (row) => row.after ?? 0))
    }
    return sendParquet(reply, columns, [batch])
  })

  // Columns are undocumented upstream; the sandbox answers `<metric>` (intensity level) and
  // `duration` (seconds at or above it) summed over the matching activities.
  fastify.get('/api/v1/activities/longitudinal-accumulated-work-duration', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const issues: ValidationIssue[] = []
    const sports = readSportFilter(query, issues, true)
    const requested = readMetric(query, 'metric', issues)
    const range = readRange(state, query, issues, false)
    if (issues.length > 0) return sendValidationError(reply, issues)
    const metric = requested ?? defaultCurveMetric(sports[0] ?? '')
    const home = homeOf(caller.user.givenName)
    const activities = matchingActivities(state, caller.user.id, sports, range)
    const levels = accumulatedWorkDuration((function * () {
      for (const activity of activities) yield metricSeries(activity, metric, home)
    })(), metric)
    const columns: ColumnSpec[] = [{ name: metric, kind: 'double' }, { name: 'duration', kind: 'int32' }]
    return sendParquet(reply, columns, [[Float64Array.from(levels, ([level]) => level), Int32Array.from(levels, ([, seconds]) => seconds)]])
  })
}
