// The filters the views read from the URL's hash, checked before they reach the BFF: a bad link (typed,
// pasted, or old) drops what is wrong and shows data, instead of an error that "Try again" repeats.
// No DOM here: the browser tests import the parameter lists to generate their cases.

/** Every parameter the activities list reads from `#/?...`. */
export const ACTIVITY_PARAMS = ['sport', 'start', 'end', 'page'] as const
/** Every parameter the dailies read from `#/dailies?...`. */
export const DAILY_PARAMS = ['measure', 'days'] as const

export type ActivityParam = typeof ACTIVITY_PARAMS[number]
export type DailyParam = typeof DAILY_PARAMS[number]

/** A parameter left out, and why (shown to the user). */
export interface DroppedParam { name: string, value: string, reason: string }

export interface ActivityFilters { sport: string, start: string, end: string, page: number }

export interface DailyFilters { measure: string | null, days: number | null }

/** OpenSportTaxonomy root codes (the BFF's `Sport` schema); a sub-sport or modifier may be newer than this list. */
const SPORT_ROOTS = new Set(['alpine_skiing', 'cycling', 'generic', 'hand_cycling', 'rowing', 'running', 'snowboarding', 'swimming', 'walking', 'xc_skiing'])
const SPORT_PATTERN = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*(?:\+[a-z][a-z_]*)*$/

/** `YYYY-MM-DD` naming a day that exists (not 2026-13-45, not 2026-02-30). */
export function isCalendarDate (value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}

export function isKnownSport (value: string): boolean {
  return SPORT_PATTERN.test(value) && SPORT_ROOTS.has(value.split(/[.+]/)[0] ?? '')
}

/** A reason the value is wrong, or null when it is fine. */
type Check = (value: string) => string | null

const dateCheck: Check = value => isCalendarDate(value) ? null : 'not a date (YYYY-MM-DD)'

/**
 * The values of `names` in `params` that pass their check; the others are dropped with a reason. (An
 * empty value is dropped too: `?start=` is no filter.)
 */
function checkParams<N extends string> (params: URLSearchParams, checks: Record<N, Check>): { values: Partial<Record<N, string>>, dropped: DroppedParam[] } {
  const values: Partial<Record<N, string>> = {}
  const dropped: DroppedParam[] = []
  for (const name of Object.keys(checks) as N[]) {
    const value = params.get(name)
    if (value === null) continue
    const reason = value === '' ? 'empty' : checks[name](value)
    if (reason === null) values[name] = value
    else dropped.push({ name, value, reason })
  }
  return { values, dropped }
}

export function readActivityFilters (params: URLSearchParams): { filters: ActivityFilters, dropped: DroppedParam[] } {
  const checks: Record<ActivityParam, Check> = {
    sport: value => isKnownSport(value) ? null : 'not a sport this app knows',
    start: dateCheck,
    end: dateCheck,
    page: value => /^[1-9]\d{0,5}$/.test(value) ? null : 'not a page number',
  }
  const { values, dropped } = checkParams(params, checks)
  if (values.start !== undefined && values.end !== undefined && values.end < values.start) {
    dropped.push({ name: 'end', value: values.end, reason: `before the start date (${values.start})` })
    delete values.end
  }
  return {
    filters: { sport: values.sport ?? '', start: values.start ?? '', end: values.end ?? '', page: Number(values.page ?? '1') },
    dropped,
  }
}

export function readDailyFilters (params: URLSearchParams, measures: readonly string[], periods: readonly number[]): { filters: DailyFilters, dropped: DroppedParam[] } {
  const checks: Record<DailyParam, Check> = {
    measure: value => measures.includes(value) ? null : `not one of ${measures.join(', ')}`,
    days: value => periods.map(String).includes(value) ? null : `not one of ${periods.join(', ')}`,
  }
  const { values, dropped } = checkParams(params, checks)
  return { filters: { measure: values.measure ?? null, days: values.days === undefined ? null : Number(values.days) }, dropped }
}

/**
 * The hash parameters behind the fields a 400/422 problem+json names in its `errors` (`sport.0` is
 * `sport`); `fields` maps the request's field names to the parameters they come from.
 */
export function namedParams<P extends string> (errors: ReadonlyArray<{ name: string }> | undefined, fields: Partial<Record<string, P>>): P[] {
  const params = (errors ?? []).map(error => fields[error.name.split('.')[0] ?? ''])
  return [...new Set(params.filter(param => param !== undefined))]
}
