import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authenticate } from '../bearer.ts'
import { accumulatedWorkDuration, allDurations, defaultDurations, meanMax, readDurations, segmentBatch } from '../curves.ts'
import { sendDetail, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import type { ActivityDetails } from '../models.ts'
import { parquetContentType, parquetStream } from '../parquet.ts'
import type { ColumnBatch, ColumnSpec } from '../parquet.ts'
import { missingQuery, queryValue, queryValues, readChoice } from '../query.ts'
import type { Query } from '../query.ts'
import { homeOf } from '../seed.ts'
import { activitySeries, isKnownMetric, metricKind, metricSeries } from '../timeseries.ts'
import { activitiesOf } from '../views.ts'

export const curveMetrics = ['power', 'speed'] as const

/** Repeated `metrics`, each a known Metric (FastAPI answers 422 for an unknown enum value). */
export function readMetrics (query: Query, issues: ValidationIssue[]): string[] | undefined {
  const metrics = queryValues(query, 'metrics')
  metrics.forEach((metric, index) => {
    if (!isKnownMetric(metric)) issues.push({ loc: ['query', 'metrics', index], msg: `Input should be a known metric, got '${metric}'`, type: 'enum', input: metric })
  })
  return metrics.length === 0 ? undefined : [...new Set(metrics)]
}

export function readMetric (query: Query, name: string, issues: ValidationIssue[]): string | undefined {
  const metric = queryValue(query, name)
  if (metric !== undefined && !isKnownMetric(metric)) {
    issues.push({ loc: ['query', name], msg: `Input should be a known metric, got '${metric}'`, type: 'enum', input: metric })
    return undefined
  }
  return metric
}

export function metricColumns (metrics: readonly string[]): ColumnSpec[] {
  return metrics.map((metric) => ({ name: metric, kind: metricKind(metric) }))
}

export function sendParquet (reply: FastifyReply, columns: ColumnSpec[], batches: Iterable<ColumnBatch>): FastifyReply {
  return reply.type(parquetContentType).header('cache-control', 'no-store').send(parquetStream(columns, batches))
}

/** The default curve metric of a sport: power for cycling, speed otherwise. */
export function defaultCurveMetric (sport: string): string {
  return sport.startsWith('cycling') ? 'power' : 'speed'
}

export default async function activityData (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  type WithId = { Params: { activityId: string } }

  interface Found { activity: ActivityDetails, home: readonly [number, number] }

  /**
   * FastAPI's order: the bearer dependency (401/403), then parameter validation (422), then the
   * handler's lookup (404). `validate` collects the query issues.
   */
  async function activityFor (request: FastifyRequest<WithId>, reply: FastifyReply, validate: (issues: ValidationIssue[]) => void): Promise<Found | null> {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return null
    const issues: ValidationIssue[] = []
    validate(issues)
    if (issues.length > 0) {
      sendValidationError(reply, issues)
      return null
    }
    const activity = activitiesOf(state, caller.user.id).find((candidate) => candidate.id === request.params.activityId)
    if (activity === undefined) {
      sendDetail(reply, 404, 'Activity not found')
      return null
    }
    return { activity, home: homeOf(caller.user.givenName) }
  }

  fastify.get<WithId>('/api/v1/activities/:activityId/data', async (request, reply) => {
    const query = request.query as Query
    let requested: string[] | undefined
    let segmentation: string | undefined
    const found = await activityFor(request, reply, (issues) => {
      requested = readMetrics(query, issues)
      segmentation = readChoice(query, 'segmentation_on', curveMetrics, issues)
    })
    if (found === null) return reply
    const metrics = requested ?? found.activity.metrics
    const columns: ColumnSpec[] = [{ name: 'timestamp', kind: 'timestamp' }, { name: 'timestamp_local', kind: 'timestamp_local' }, ...metricColumns(metrics)]
    const keyIndex = segmentation === undefined ? -1 : metrics.indexOf(segmentation)
    const seriesMetrics = keyIndex < 0 && segmentation !== undefined ? [...metrics, segmentation] : metrics
    const batches = (function * (): Generator<ColumnBatch> {
      for (const raw of activitySeries(found.activity, seriesMetrics, found.home)) {
        const batch = segmentation === undefined ? raw : segmentBatch(raw, keyIndex < 0 ? metrics.length : keyIndex, seriesMetrics)
        yield [batch.timestamps, batch.localTimestamps, ...batch.columns.slice(0, metrics.length)]
      }
    })()
    return sendParquet(reply, columns, batches)
  })

  fastify.get<WithId>('/api/v1/activities/:activityId/mean-max', async (request, reply) => {
    const query = request.query as Query
    let metric: string | undefined
    let durations: number[] | 'all' | undefined
    const found = await activityFor(request, reply, (issues) => {
      metric = readChoice(query, 'metric', curveMetrics, issues)
      if (queryValue(query, 'metric') === undefined) issues.push(missingQuery('metric'))
      durations = readDurations(queryValue(query, 'durations'), issues)
    })
    if (found === null || metric === undefined) return reply
    const values = metricSeries(found.activity, metric, found.home)
    const wanted = durations === 'all' ? allDurations(values.length) : durations ?? defaultDurations
    const best = meanMax(values, wanted).filter((entry) => entry.value >= 0)
    const startMs = Date.parse(found.activity.start)
    const columns: ColumnSpec[] = [{ name: 'duration', kind: 'int32' }, { name: metric, kind: 'double' }, { name: 'start', kind: 'timestamp' }]
    return sendParquet(reply, columns, [[
      Int32Array.from(best, (entry) => entry.duration),
      Float64Array.from(best, (entry) => Math.round(entry.value * 100) / 100),
      Float64Array.from(best, (entry) => startMs + entry.startIndex * 1000),
    ]])
  })

  fastify.get<WithId>('/api/v1/activities/:activityId/accumulated-work-duration', async (request, reply) => {
    const query = request.query as Query
    let requested: string | undefined
    const found = await activityFor(request, reply, (issues) => { requested = readMetric(query, 'metric', issues) })
    if (found === null) return reply
    const metric = requested ?? defaultCurveMetric(found.activity.sport)
    const levels = accumulatedWorkDuration([metricSeries(found.activity, metric, found.home)], metric)
    const columns: ColumnSpec[] = [{ name: metric, kind: 'double' }, { name: 'duration', kind: 'int32' }]
    return sendParquet(reply, columns, [[Float64Array.from(levels, ([level]) => level), Int32Array.from(levels, ([, seconds]) => seconds)]])
  })
}
