import type { DailyResponse } from './models.ts'
import { between, chance, createRandom, seedFromLabel } from './prng.ts'
import { DAY_MS, formatDate, parseDate } from './time.ts'

export const dailyMeasures = ['body_mass', 'body_fat_pct', 'resting_hr', 'hrv', 'sleep_duration', 'sleep_altitude', 'menstrual_cycle_day'] as const
export type DailyMeasure = typeof dailyMeasures[number]

/** Accepted value ranges per measure (reference §3.2): kg, %, bpm, ms, s, m, day. */
export const dailyRanges: Record<DailyMeasure, readonly [number, number]> = {
  body_mass: [0, 500],
  body_fat_pct: [0, 100],
  resting_hr: [0, 250],
  hrv: [0, 500],
  sleep_duration: [0, 86400],
  sleep_altitude: [0, 10000],
  menstrual_cycle_day: [0, 100],
}

type Interpolation = 'linear' | 'none' | 'fill' | 'increment'
const interpolation: Record<DailyMeasure, Interpolation> = {
  body_mass: 'linear',
  body_fat_pct: 'linear',
  resting_hr: 'none',
  hrv: 'none',
  sleep_duration: 'none',
  sleep_altitude: 'fill',
  menstrual_cycle_day: 'increment',
}

export interface DailyValue { value: number, source: string }

/** Per user id, per measure, per date (`YYYY-MM-DD`). */
export type DailyStore = Map<string, Map<string, Map<string, DailyValue>>>

export function isDailyMeasure (value: string): value is DailyMeasure {
  return (dailyMeasures as readonly string[]).includes(value)
}

export function valuesOf (store: DailyStore, userId: string, measure: string): Map<string, DailyValue> {
  let byMeasure = store.get(userId)
  if (byMeasure === undefined) store.set(userId, byMeasure = new Map())
  let byDate = byMeasure.get(measure)
  if (byDate === undefined) byMeasure.set(measure, byDate = new Map())
  return byDate
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits))

interface DailyProfile { bodyMass: number, restingHr: number, hrv: number, sleepHours: number }

/** A year of body_mass (a few times a week), resting_hr, hrv and sleep_duration (most days) per athlete, with gaps. */
export function seedDailies (users: Array<{ id: string, profile: DailyProfile }>, endDate: string): DailyStore {
  const endMs = parseDate(endDate)
  if (endMs === null) throw new Error(`not a date: ${endDate}`)
  const store: DailyStore = new Map()
  for (const { id, profile } of users) {
    const random = createRandom(seedFromLabel(`dailies of ${id}`))
    let trend = 0
    let sickDays = 0
    for (let day = 364; day >= 0; day--) {
      const dayMs = endMs - day * DAY_MS
      const date = formatDate(dayMs)
      trend += between(random, -0.06, 0.06)
      trend = Math.max(-1.5, Math.min(1.5, trend))
      if (sickDays === 0 && chance(random, 0.01)) sickDays = 3
      const ill = sickDays > 0
      if (ill) sickDays--
      const travelling = chance(random, 0.08)
      if (chance(random, 0.45)) {
        valuesOf(store, id, 'body_mass').set(date, { value: round(profile.bodyMass + trend + between(random, -0.4, 0.4), 1), source: chance(random, 0.3) ? 'manual' : 'garmin_connect' })
      }
      if (!travelling) {
        valuesOf(store, id, 'resting_hr').set(date, { value: Math.round(profile.restingHr + (ill ? 7 : 0) + between(random, -2, 3)), source: 'garmin_connect' })
        valuesOf(store, id, 'hrv').set(date, { value: Math.round(profile.hrv * (ill ? 0.7 : 1) + between(random, -9, 9)), source: 'garmin_connect' })
      }
      if (!travelling && chance(random, 0.93)) {
        valuesOf(store, id, 'sleep_duration').set(date, { value: Math.round((profile.sleepHours + between(random, -0.9, 0.8)) * 3600 / 60) * 60, source: 'garmin_connect' })
      }
    }
  }
  return store
}

function neighbours (dates: string[], date: string): [string | undefined, string | undefined] {
  let low = 0
  let high = dates.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((dates[middle] ?? '') < date) low = middle + 1
    else high = middle
  }
  return [dates[low - 1], dates[low]]
}

const daysBetween = (from: string, to: string): number => Math.round(((parseDate(to) ?? 0) - (parseDate(from) ?? 0)) / DAY_MS)

function estimate (measure: DailyMeasure, stored: Map<string, DailyValue>, dates: string[], date: string): number | null {
  const [before, after] = neighbours(dates, date)
  const previous = before === undefined ? undefined : stored.get(before)?.value
  const next = after === undefined ? undefined : stored.get(after)?.value
  switch (interpolation[measure]) {
    case 'none': return null
    case 'fill': return previous ?? next ?? null
    case 'increment': return previous === undefined || before === undefined ? null : previous + daysBetween(before, date)
    case 'linear': {
      if (previous !== undefined && next !== undefined && before !== undefined && after !== undefined) {
        return round(previous + (next - previous) * daysBetween(before, date) / daysBetween(before, after), 2)
      }
      return previous ?? next ?? null
    }
  }
}

/** Exactly one row per date from `startMs` to `endMs` (inclusive): stored, estimated or missing. */
export function dailyRows (stored: Map<string, DailyValue>, measure: DailyMeasure, startMs: number, endMs: number, interpolate: boolean): DailyResponse[] {
  const dates = [...stored.keys()].sort()
  const rows: DailyResponse[] = []
  for (let dayMs = startMs; dayMs <= endMs; dayMs += DAY_MS) {
    const date = formatDate(dayMs)
    const value = stored.get(date)
    if (value !== undefined) {
      rows.push({ date, value: value.value, status: 'stored', source: value.source })
      continue
    }
    const estimated = interpolate ? estimate(measure, stored, dates, date) : null
    rows.push(estimated === null ? { date, value: null, status: 'missing', source: null } : { date, value: estimated, status: 'estimated', source: null })
  }
  return rows
}
