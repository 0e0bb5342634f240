const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS

/** `2026-05-18T15:32:00Z`: an instant in UTC, second precision, as SweatStack sends it. */
export function formatUtc (ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z'
}

/** `2026-05-18T17:32:00`: a naive wall-clock time, as SweatStack's `*_local` fields. */
export function formatNaive (ms: number): string {
  return new Date(ms).toISOString().slice(0, 19)
}

export function formatDate (ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Midnight UTC of a `YYYY-MM-DD` date, or null when it is not a real calendar date. */
export function parseDate (text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null
  const ms = Date.parse(text + 'T00:00:00Z')
  if (Number.isNaN(ms) || formatDate(ms) !== text) return null
  return ms
}

/** ISO 8601 duration as pydantic emits a timedelta: `PT1H2M3S`. */
export function isoDuration (totalSeconds: number): string {
  const seconds = Math.round(totalSeconds)
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const parts = (h > 0 ? `${h}H` : '') + (m > 0 ? `${m}M` : '') + (s > 0 || seconds === 0 ? `${s}S` : '')
  return 'PT' + parts
}

function lastSundayUtc (year: number, monthIndex: number): number {
  const lastDay = Date.UTC(year, monthIndex + 1, 0)
  return lastDay - new Date(lastDay).getUTCDay() * DAY_MS
}

/**
 * UTC offset of Central European Time (Europe/Oslo, Europe/Paris) at an instant. The EU rule is
 * computed here rather than read from Intl so the seed does not depend on the ICU data Node ships.
 */
export function centralEuropeanOffsetMs (utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear()
  const summerStart = lastSundayUtc(year, 2) + HOUR_MS
  const summerEnd = lastSundayUtc(year, 9) + HOUR_MS
  return utcMs >= summerStart && utcMs < summerEnd ? 2 * HOUR_MS : HOUR_MS
}

/** The UTC instant of a Central European wall-clock time given as if it were UTC. */
export function centralEuropeanToUtc (wallClockAsUtcMs: number): number {
  const winterGuess = wallClockAsUtcMs - HOUR_MS
  return wallClockAsUtcMs - centralEuropeanOffsetMs(winterGuess)
}

/** Naive Central European wall-clock time of an instant, as SweatStack's `*_local` fields. */
export function localNaive (utcMs: number): string {
  return formatNaive(utcMs + centralEuropeanOffsetMs(utcMs))
}

const awareDateTime = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)([Zz]|[+-]\d{2}:?\d{2})$/
const naiveDateTime = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)$/

/** Epoch ms of an offset-aware ISO 8601 date-time, or null (naive or malformed). */
export function parseAwareDateTime (text: string): number | null {
  const match = awareDateTime.exec(text)
  if (match === null) return null
  const zone = match[3] === 'z' ? 'Z' : (match[3] ?? 'Z')
  const ms = Date.parse(`${match[1]}T${match[2]}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`)
  return Number.isNaN(ms) ? null : ms
}

/** Whether a string is a naive (offset-less) ISO 8601 date-time. */
export function isNaiveDateTime (text: string): boolean {
  const match = naiveDateTime.exec(text)
  return match !== null && !Number.isNaN(Date.parse(`${match[1]}T${match[2]}Z`))
}
