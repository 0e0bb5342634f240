import type { FastifyInstance, FastifyReply } from 'fastify'
import { authenticate, callerOf, requireCaller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendDetail, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { dailyMeasures, dailyRanges, dailyRows, isDailyMeasure, valuesOf } from '../dailies.ts'
import type { DailyMeasure } from '../dailies.ts'
import type { DailyResponse } from '../models.ts'
import { missingQuery, queryValue, readBoolean, readDate } from '../query.ts'
import type { Query } from '../query.ts'
import { DAY_MS, formatDate, parseDate } from '../time.ts'

/** The longest range one request may cover (about 10 years of rows). */
export const maxDailyDays = 3660

type WithMeasure = { Params: { measure: string } }

function measureIssue (measure: string): ValidationIssue {
  return { loc: ['path', 'measure'], msg: `Input should be ${dailyMeasures.map((name) => `'${name}'`).join(', ')}`, type: 'enum', input: measure }
}

export default async function dailies (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.get<WithMeasure>('/api/v1/dailies/:measure', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const query = request.query as Query
    const { measure } = request.params
    const issues: ValidationIssue[] = []
    if (!isDailyMeasure(measure)) issues.push(measureIssue(measure))
    const start = readDate(query, 'start', issues)
    const end = readDate(query, 'end', issues)
    if (queryValue(query, 'start') === undefined) issues.push(missingQuery('start'))
    if (queryValue(query, 'end') === undefined) issues.push(missingQuery('end'))
    // [CONFLICT] upstream default: the docs say true, the SDK docstring false; the SDK always sends it.
    const interpolate = readBoolean(query, 'interpolate', true, issues)
    if (start !== undefined && end !== undefined) {
      if (end < start) issues.push({ loc: ['query', 'end'], msg: 'end must not be before start', type: 'value_error', input: queryValue(query, 'end') })
      else if ((end - start) / DAY_MS >= maxDailyDays) issues.push({ loc: ['query', 'end'], msg: `The range may cover at most ${maxDailyDays} days`, type: 'value_error', input: queryValue(query, 'end') })
    }
    if (issues.length > 0 || start === undefined || end === undefined || !isDailyMeasure(measure)) return sendValidationError(reply, issues)
    return dailyRows(valuesOf(state.dailies, caller.user.id, measure), measure, start, end, interpolate)
  })

  fastify.post<WithMeasure & { Body: { date: string, value: number } }>('/api/v1/dailies/:measure', {
    schema: { body: contractBody('DailyCreate') },
    preValidation: requireCaller(state, 'data:write'),
  }, async (request, reply): Promise<FastifyReply | DailyResponse> => {
    const caller = callerOf(request)
    const { measure } = request.params
    const { date, value } = request.body
    const issues: ValidationIssue[] = []
    if (!isDailyMeasure(measure)) issues.push(measureIssue(measure))
    if (parseDate(date) === null) issues.push(bodyIssue(['date'], 'Input should be a valid date', 'date_from_datetime_parsing', date))
    if (isDailyMeasure(measure)) {
      const [min, max] = dailyRanges[measure as DailyMeasure]
      if (value < min) issues.push({ ...bodyIssue(['value'], `Input should be greater than or equal to ${min}`, 'greater_than_equal', value), ctx: { ge: min } })
      if (value > max) issues.push({ ...bodyIssue(['value'], `Input should be less than or equal to ${max}`, 'less_than_equal', value), ctx: { le: max } })
    }
    if (issues.length > 0) return sendValidationError(reply, issues)
    const day = formatDate(parseDate(date) ?? 0)
    valuesOf(state.dailies, caller.user.id, measure).set(day, { value, source: 'manual' })
    return { date: day, value, status: 'stored', source: 'manual' }
  })

  fastify.delete<WithMeasure>('/api/v1/dailies/:measure', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:write')
    if (caller === null) return reply
    const { measure } = request.params
    const issues: ValidationIssue[] = []
    if (!isDailyMeasure(measure)) issues.push(measureIssue(measure))
    const date = readDate(request.query as Query, 'date', issues)
    if (queryValue(request.query as Query, 'date') === undefined) issues.push(missingQuery('date'))
    if (issues.length > 0 || date === undefined) return sendValidationError(reply, issues)
    if (!valuesOf(state.dailies, caller.user.id, measure).delete(formatDate(date))) return sendDetail(reply, 404, 'No value stored for that date')
    return reply.code(204).send()
  })
}
