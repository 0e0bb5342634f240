import type { ValidationIssue } from './errors.ts'
import { parseDate } from './time.ts'

export type Query = Record<string, unknown>

/** All values of a query parameter, repeated or not. */
export function queryValues (query: Query, name: string): string[] {
  const value = query[name]
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string')
  return []
}

/** A single-valued parameter; when repeated, FastAPI keeps the last value. */
export function queryValue (query: Query, name: string): string | undefined {
  return queryValues(query, name).at(-1)
}

export function readDate (query: Query, name: string, issues: ValidationIssue[]): number | undefined {
  const text = queryValue(query, name)
  if (text === undefined) return undefined
  const ms = parseDate(text)
  if (ms === null) {
    issues.push({ loc: ['query', name], msg: 'Input should be a valid date in the format YYYY-MM-DD', type: 'date_from_datetime_parsing', input: text })
    return undefined
  }
  return ms
}

export function readInteger (query: Query, name: string, bounds: { fallback: number, min: number, max?: number }, issues: ValidationIssue[]): number {
  const text = queryValue(query, name)
  if (text === undefined) return bounds.fallback
  if (!/^[+-]?\d+$/.test(text.trim())) {
    issues.push({ loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', type: 'int_parsing', input: text })
    return bounds.fallback
  }
  const value = Number(text)
  if (value < bounds.min) {
    issues.push({ loc: ['query', name], msg: `Input should be greater than or equal to ${bounds.min}`, type: 'greater_than_equal', input: text, ctx: { ge: bounds.min } })
  } else if (bounds.max !== undefined && value > bounds.max) {
    issues.push({ loc: ['query', name], msg: `Input should be less than or equal to ${bounds.max}`, type: 'less_than_equal', input: text, ctx: { le: bounds.max } })
  }
  return value
}

/** A required parameter that is absent: FastAPI's `missing` issue. */
export function missingQuery (name: string): ValidationIssue {
  return { loc: ['query', name], msg: 'Field required', type: 'missing', input: null }
}

const truthy = new Set(['true', '1', 'yes', 'on', 't', 'y'])
const falsy = new Set(['false', '0', 'no', 'off', 'f', 'n'])

/** A boolean as pydantic parses it from a query string. */
export function readBoolean (query: Query, name: string, fallback: boolean, issues: ValidationIssue[]): boolean {
  const text = queryValue(query, name)
  if (text === undefined) return fallback
  const lower = text.toLowerCase()
  if (truthy.has(lower)) return true
  if (falsy.has(lower)) return false
  issues.push({ loc: ['query', name], msg: 'Input should be a valid boolean, unable to interpret input', type: 'bool_parsing', input: text })
  return fallback
}

/** A parameter limited to a few literal values. */
export function readChoice<T extends string> (query: Query, name: string, choices: readonly T[], issues: ValidationIssue[]): T | undefined {
  const text = queryValue(query, name)
  if (text === undefined) return undefined
  if ((choices as readonly string[]).includes(text)) return text as T
  issues.push({ loc: ['query', name], msg: `Input should be ${choices.map((choice) => `'${choice}'`).join(' or ')}`, type: 'enum', input: text, ctx: { expected: choices.join(', ') } })
  return undefined
}
