import type { ValidationIssue } from './errors.ts'
import { missingQuery, queryValues, readDate, readInteger } from './query.ts'
import type { Query } from './query.ts'
import { validateSports } from './sports.ts'

/** `sport` repeated, plus the deprecated `sports` (repeated or comma-joined) that the server still accepts. */
export function readSportFilter (query: Query, issues: ValidationIssue[], required = false): string[] {
  const sports = [...queryValues(query, 'sport'), ...queryValues(query, 'sports').flatMap((value) => value.split(','))].filter(Boolean)
  if (required && sports.length === 0) issues.push(missingQuery('sport'))
  validateSports(sports, 'sport', issues)
  return sports
}

export interface ListQuery {
  start: number | undefined
  end: number | undefined
  sports: string[]
  tags: string[]
  limit: number
  offset: number
}

/** The filters and paging every list endpoint (activities, traces, tests) takes. */
export function readListQuery (query: Query, issues: ValidationIssue[], limits: { fallback: number, max: number }): ListQuery {
  return {
    start: readDate(query, 'start', issues),
    end: readDate(query, 'end', issues),
    sports: readSportFilter(query, issues),
    tags: queryValues(query, 'tags'),
    limit: readInteger(query, 'limit', { fallback: limits.fallback, min: 1, max: limits.max }, issues),
    offset: readInteger(query, 'offset', { fallback: 0, min: 0 }, issues),
  }
}
