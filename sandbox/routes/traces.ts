import { randomInt } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { authenticate, callerOf, requireCaller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendDetail, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { createRandom } from '../prng.ts'
import type { Query } from '../query.ts'
import type { TraceRecord } from '../records.ts'
import { sportMatches } from '../sports.ts'
import { DAY_MS, parseAwareDateTime } from '../time.ts'
import { ulid } from '../ulid.ts'
import { insertNewestFirst, testsOf, traceView, tracesOf } from '../views.ts'
import { readListQuery } from '../list-query.ts'

/** The largest page of traces (upstream maximum unknown; the SDK pages by 100). */
export const maxTracesLimit = 1000

interface TraceBody {
  timestamp: string
  test_id?: string | null
  lactate?: number | null
  rpe?: number | null
  notes?: string | null
  power?: number | null
  speed?: number | null
  heart_rate?: number | null
  vo2?: number | null
  tags?: string[] | null
  sport?: string | null
}

/** The stored fields of a trace from a `TraceCreateOrUpdate` body (omitted → null: PUT is a full replace). */
export function traceFields (body: TraceBody, issues: ValidationIssue[]): Omit<TraceRecord, 'id'> {
  const timestampMs = parseAwareDateTime(body.timestamp)
  if (timestampMs === null) issues.push(bodyIssue(['timestamp'], 'Input should have timezone info', 'timezone_aware', body.timestamp))
  return {
    tags: body.tags ?? null,
    testId: body.test_id ?? null,
    timestampMs: timestampMs ?? 0,
    lactate: body.lactate ?? null,
    rpe: body.rpe ?? null,
    notes: body.notes ?? null,
    power: body.power ?? null,
    speed: body.speed ?? null,
    heartRate: body.heart_rate ?? null,
    vo2: body.vo2 ?? null,
    sport: body.sport ?? null,
  }
}

export default async function traces (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  const random = createRandom(randomInt(2 ** 32))

  fastify.get('/api/v1/traces/', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const issues: ValidationIssue[] = []
    const { start, end, sports, tags, limit, offset } = readListQuery(query, issues, { fallback: 100, max: maxTracesLimit })
    if (issues.length > 0) return sendValidationError(reply, issues)
    const viewer = { userId: caller.user.id, clientId: caller.clientId }
    return tracesOf(state, caller.user.id)
      .filter((trace) => {
        if (start !== undefined && trace.timestampMs < start) return false
        if (end !== undefined && trace.timestampMs >= end + DAY_MS) return false
        if (sports.length > 0 && (trace.sport === null || !sports.some((sport) => sportMatches(sport, trace.sport ?? '')))) return false
        return tags.every((tag) => trace.tags?.includes(tag) === true)
      })
      .slice(offset, offset + limit)
      .map((trace) => traceView(state, viewer, trace))
  })

  fastify.post<{ Body: TraceBody }>('/api/v1/traces/', { schema: { body: contractBody('TraceCreateOrUpdate') }, preValidation: requireCaller(state, 'data:write') }, async (request, reply) => {
    const caller = callerOf(request)
    const issues: ValidationIssue[] = []
    const fields = traceFields(request.body, issues)
    if (issues.length > 0) return sendValidationError(reply, issues)
    if (fields.testId !== null && !testsOf(state, caller.user.id).some((test) => test.id === fields.testId)) return sendDetail(reply, 404, 'Test not found')
    const trace: TraceRecord = { id: ulid(fields.timestampMs, random), ...fields }
    insertNewestFirst(tracesOf(state, caller.user.id), trace, (item) => item.timestampMs)
    return traceView(state, { userId: caller.user.id, clientId: caller.clientId }, trace)
  })

  fastify.put<{ Params: { traceId: string }, Body: TraceBody }>('/api/v1/traces/:traceId', { schema: { body: contractBody('TraceCreateOrUpdate') }, preValidation: requireCaller(state, 'data:write') }, async (request, reply) => {
    const caller = callerOf(request)
    const issues: ValidationIssue[] = []
    const fields = traceFields(request.body, issues)
    if (issues.length > 0) return sendValidationError(reply, issues)
    const traces = tracesOf(state, caller.user.id)
    const index = traces.findIndex((trace) => trace.id === request.params.traceId)
    if (index < 0) return sendDetail(reply, 404, 'Trace not found')
    if (fields.testId !== null && !testsOf(state, caller.user.id).some((test) => test.id === fields.testId)) return sendDetail(reply, 404, 'Test not found')
    const [replaced] = traces.splice(index, 1)
    insertNewestFirst(traces, { ...fields, id: replaced?.id ?? request.params.traceId }, (item) => item.timestampMs)
    return { message: 'Trace updated' }
  })

  fastify.delete<{ Params: { traceId: string } }>('/api/v1/traces/:traceId', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:write')
    if (caller === null) return reply
    const traces = tracesOf(state, caller.user.id)
    const index = traces.findIndex((trace) => trace.id === request.params.traceId)
    if (index < 0) return sendDetail(reply, 404, 'Trace not found')
    traces.splice(index, 1)
    state.appMetadata.dropRecord('trace', caller.user.id, request.params.traceId)
    return { message: 'Trace deleted' }
  })
}
