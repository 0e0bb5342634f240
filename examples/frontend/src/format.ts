// How activities, durations, numbers, dates and times are shown: every date the app shows is formatted here.
import type { ActivitySummary } from '../../../clients/bff-client/index.ts'

export const SPORTS: Array<[value: string, label: string]> = [
  ['cycling', 'Cycling'],
  ['running', 'Running'],
  ['swimming', 'Swimming'],
  ['walking', 'Walking & hiking'],
  ['xc_skiing', 'Cross-country skiing'],
  ['rowing', 'Rowing'],
]

const nouns: Record<string, string> = { cycling: 'ride', running: 'run', swimming: 'swim', walking: 'walk', xc_skiing: 'ski', rowing: 'row', alpine_skiing: 'ski day' }
const subNouns: Record<string, string> = { 'walking.hiking': 'hike', 'running.trail': 'trail run', 'swimming.pool': 'swim', 'xc_skiing.skate': 'skate ski' }

/** `cycling.road+stationary` → `Cycling · road · indoor`. */
export function sportLabel (sport: string): string {
  const [path = '', ...modifiers] = sport.split('+')
  const [root = '', ...subs] = path.split('.')
  const rootLabel = SPORTS.find(([value]) => value === root)?.[1] ?? root.replaceAll('_', ' ')
  const parts = [rootLabel, ...subs.map(sub => sub.replaceAll('_', ' ')), ...modifiers.map(mod => mod === 'stationary' ? 'indoor' : mod)]
  return parts.join(' · ')
}

export function sportRoot (sport: string): string {
  return sport.split(/[.+]/)[0] ?? sport
}

/** SweatStack activities have no title; name them the way training apps do, by time of day and sport. */
export function activityName (activity: Pick<ActivitySummary, 'sport' | 'start_local'>): string {
  const hour = Number(activity.start_local.slice(11, 13))
  const part = hour < 5 ? 'Night' : hour < 12 ? 'Morning' : hour < 17 ? 'Afternoon' : 'Evening'
  const path = activity.sport.split('+')[0] ?? ''
  const indoor = activity.sport.includes('+stationary') ? 'indoor ' : ''
  const noun = subNouns[path] ?? nouns[sportRoot(activity.sport)] ?? sportRoot(activity.sport).replaceAll('_', ' ')
  return `${part} ${indoor}${noun}`
}

/** Seconds of an ISO 8601 duration (`PT1H2M3S`, `PT3723S`, `P1DT2H`). */
export function durationSeconds (iso: string | null | undefined): number | null {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(iso ?? '')
  if (match === null) return null
  const [, d = '0', hh = '0', mm = '0', ss = '0'] = match
  return Number(d) * 86400 + Number(hh) * 3600 + Number(mm) * 60 + Number(ss)
}

/** 3723 → `1:02:03`; 125 → `2:05`. */
export function clock (seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–'
  const total = Math.round(seconds)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const secs = total % 60
  const mmss = `${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}:${String(secs).padStart(2, '0')}`
  return hours > 0 ? `${hours}:${mmss}` : mmss
}

/** 5 → `5 s`, 300 → `5 min`, 3600 → `1 h`: for mean-max axes. */
export function shortDuration (seconds: number): string {
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`
  const hours = seconds / 3600
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`
}

export function km (meters: number | null | undefined): string {
  return meters == null ? '–' : `${(meters / 1000).toFixed(meters < 10000 ? 2 : 1)} km`
}

export function num (value: number | null | undefined, unit: string, digits = 0): string {
  return value == null || !Number.isFinite(value) ? '–' : `${value.toFixed(digits)} ${unit}`
}

/* ---- Dates and times: in the browser's own locale (`undefined`), as its date inputs show them. ---- */

export const DATE_OPTIONS: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }
export const TIME_OPTIONS: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' }
export const DAY_MONTH_OPTIONS: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' }
export const MONTH_OPTIONS: Intl.DateTimeFormatOptions = { month: 'short' }

const dateFormat = new Intl.DateTimeFormat(undefined, DATE_OPTIONS)
const timeFormat = new Intl.DateTimeFormat(undefined, TIME_OPTIONS)
const dayMonthFormat = new Intl.DateTimeFormat(undefined, DAY_MONTH_OPTIONS)
const monthFormat = new Intl.DateTimeFormat(undefined, MONTH_OPTIONS)

/**
 * A calendar day (`2026-05-18`, or the day of `2026-05-18T17:32:00`) at local noon: `new Date('2026-05-18')`
 * is UTC midnight, the day before west of Greenwich.
 */
export function calendarDay (iso: string): Date {
  const [year = 1970, month = 1, day = 1] = iso.slice(0, 10).split('-').map(Number)
  return new Date(year, month - 1, day, 12)
}

/** A naive local date-time (`2026-05-18T17:32:00`) as the athlete saw it: `Mon, 18 May 2026` (en-GB). */
export function localDate (naive: string): string {
  return dateFormat.format(calendarDay(naive))
}

/** The time of a naive local date-time: `17:32` (en-GB), `05:32 PM` (en-US). */
export function localTime (naive: string): string {
  return timeFormat.format(new Date(naive.slice(0, 19)))
}

/** `2026-05-18` → `18 May` (en-GB), `May 18` (en-US). */
export function dayMonth (isoDate: string): string {
  return dayMonthFormat.format(calendarDay(isoDate))
}

/** `2026-05-18` → `May`. */
export function monthName (isoDate: string): string {
  return monthFormat.format(calendarDay(isoDate))
}

export function isoDay (date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function daysAgo (days: number): string {
  return isoDay(new Date(Date.now() - days * 86400_000))
}
