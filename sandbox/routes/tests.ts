import { randomInt } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { authenticate, callerOf, requireCaller } from '../bearer.ts'
import type { Caller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendDetail, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import type { JsonObject } from '../models.ts'
import { createRandom } from '../prng.ts'
import { queryValue, readChoice } from '../query.ts'
import type { Query } from '../query.ts'
import type { TestRecord } from '../records.ts'
import { sportMatches } from '../sports.ts'
import { DAY_MS, parseAwareDateTime } from '../time.ts'
import { ulid } from '../ulid.ts'
import { insertNewestFirst, testDetailsView, testSummaryView, testsOf, tracesOf } from '../views.ts'
import { readListQuery } from '../list-query.ts'

/** The server's maximum page size for tests. */
export const maxTestsLimit = 50
const defaultTestHours = 3

interface TestBody {
  title?: string | null
  sport: string
  start: string
  end?: string | null
  results?: JsonObject | null
  tags?: string[] | null
}

function testFields (body: TestBody, issues: ValidationIssue[], defaultEnd: boolean): Omit<TestRecord, 'id' | 'createdBy'> {
  const startMs = parseAwareDateTime(body.start)
  if (startMs === null) issues.push(bodyIssue(['start'], 'Input should have timezone info', 'timezone_aware', body.start))
  let endMs: number | null = null
  if (body.end != null) {
    endMs = parseAwareDateTime(body.end)
    if (endMs === null) issues.push(bodyIssue(['end'], 'Input should have timezone info', 'timezone_aware', body.end))
  } else if (defaultEnd && startMs !== null) {
    endMs = startMs + defaultTestHours * 3_600_000
  }
  return { title: body.title ?? null, sport: body.sport, startMs: startMs ?? 0, endMs, results: body.results ?? null, tags: body.tags ?? null }
}

/**
 * Takes a test out of the caller's list for a change (PUT replaces it, DELETE drops it), or answers
 * 404, or 403 when another app created it: tests created with an app token only change through that app.
 */
function takeChangeableTest (tests: TestRecord[], testId: string, caller: Caller, reply: FastifyReply): TestRecord | undefined {
  const index = tests.findIndex((test) => test.id === testId)
  const existing = tests[index]
  if (existing === undefined) {
    sendDetail(reply, 404, 'Test not found')
    return undefined
  }
  if (existing.createdBy !== null && existing.createdBy !== caller.clientId) {
    sendDetail(reply, 403, 'This test was created by another application')
    return undefined
  }
  tests.splice(index, 1)
  return existing
}

export default async function tests (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  const random = createRandom(randomInt(2 ** 32))

  fastify.get('/api/v1/tests/', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const issues: ValidationIssue[] = []
    const { start, end, sports, tags, limit, offset } = readListQuery(query, issues, { fallback: maxTestsLimit, max: maxTestsLimit })
    const createdBy = queryValue(query, 'created_by')
    if (issues.length > 0) return sendValidationError(reply, issues)
    const viewer = { userId: caller.user.id, clientId: caller.clientId }
    return testsOf(state, caller.user.id)
      .filter((test) => {
        if (start !== undefined && test.startMs < start) return false
        if (end !== undefined && test.startMs >= end + DAY_MS) return false
        if (sports.length > 0 && !sports.some((sport) => sportMatches(sport, test.sport))) return false
        if (createdBy !== undefined && test.createdBy !== createdBy) return false
        return tags.every((tag) => test.tags?.includes(tag) === true)
      })
      .slice(offset, offset + limit)
      .map((test) => testSummaryView(state, viewer, test))
  })

  fastify.get<{ Params: { testId: string } }>('/api/v1/tests/:testId', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const issues: ValidationIssue[] = []
    const traces = readChoice(request.query as Query, 'traces', ['auto', 'linked'] as const, issues) ?? 'auto'
    if (issues.length > 0) return sendValidationError(reply, issues)
    const test = testsOf(state, caller.user.id).find((candidate) => candidate.id === request.params.testId)
    if (test === undefined) return sendDetail(reply, 404, 'Test not found')
    return testDetailsView(state, { userId: caller.user.id, clientId: caller.clientId }, test, traces)
  })

  fastify.post<{ Body: TestBody }>('/api/v1/tests/', { schema: { body: contractBody('TestCreate') }, preValidation: requireCaller(state, 'data:write') }, async (request, reply) => {
    const caller = callerOf(request)
    const issues: ValidationIssue[] = []
    const fields = testFields(request.body, issues, true)
    if (issues.length > 0) return sendValidationError(reply, issues)
    const test: TestRecord = { id: ulid(fields.startMs, random), createdBy: caller.clientId, ...fields }
    insertNewestFirst(testsOf(state, caller.user.id), test, (item) => item.startMs)
    return testSummaryView(state, { userId: caller.user.id, clientId: caller.clientId }, test)
  })

  fastify.put<{ Params: { testId: string }, Body: TestBody }>('/api/v1/tests/:testId', { schema: { body: contractBody('TestUpdate') }, preValidation: requireCaller(state, 'data:write') }, async (request, reply) => {
    const caller = callerOf(request)
    const issues: ValidationIssue[] = []
    const fields = testFields(request.body, issues, false)
    if (issues.length > 0) return sendValidationError(reply, issues)
    const tests = testsOf(state, caller.user.id)
    const existing = takeChangeableTest(tests, request.params.testId, caller, reply)
    if (existing === undefined) return reply
    insertNewestFirst(tests, { ...fields, id: existing.id, createdBy: existing.createdBy }, (item) => item.startMs)
    return { message: 'Test updated' }
  })

  fastify.delete<{ Params: { testId: string } }>('/api/v1/tests/:testId', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:write')
    if (caller === null) return reply
    const existing = takeChangeableTest(testsOf(state, caller.user.id), request.params.testId, caller, reply)
    if (existing === undefined) return reply
    for (const trace of tracesOf(state, caller.user.id)) if (trace.testId === existing.id) trace.testId = null
    state.appMetadata.dropRecord('test', caller.user.id, existing.id)
    return { message: 'Test deleted' }
  })
}
