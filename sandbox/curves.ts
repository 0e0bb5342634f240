import type { ValidationIssue } from './errors.ts'
import type { SeriesBatch } from './timeseries.ts'

/** The 19 durations (s) the server uses when `durations` is omitted: 1 s to 6 h. */
export const defaultDurations = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600]

/** The longest duration `durations=all` reaches, so that a weeks-long activity stays affordable. */
export const maxAllDuration = 24 * 3600

/** `durations=all`: 1 s steps to 3 min, then 5 s to 10 min, 10 s to 30 min, 30 s to 1 h and 60 s to 24 h at most. */
export function allDurations (activitySeconds: number): number[] {
  const longest = Math.min(activitySeconds, maxAllDuration)
  const durations: number[] = []
  const steps: Array<[number, number]> = [[180, 1], [600, 5], [1800, 10], [3600, 30], [Number.POSITIVE_INFINITY, 60]]
  let duration = 1
  for (const [until, step] of steps) {
    for (; duration <= Math.min(until, longest); duration += step) durations.push(duration)
  }
  return durations
}

const durationsPattern = /^(all|\d+(,\d+)*)$/

/** Parses `durations` (comma-joined seconds or `all`); `'all'` when all, undefined when absent. */
export function readDurations (text: string | undefined, issues: ValidationIssue[]): number[] | 'all' | undefined {
  if (text === undefined) return undefined
  if (!durationsPattern.test(text)) {
    issues.push({ loc: ['query', 'durations'], msg: `String should match pattern '${durationsPattern.source}'`, type: 'string_pattern_mismatch', input: text })
    return undefined
  }
  if (text === 'all') return 'all'
  const durations = [...new Set(text.split(',').map(Number))].filter((duration) => duration > 0).sort((a, b) => a - b)
  return durations
}

export interface Best { duration: number, value: number, startIndex: number }

/** Best mean of `values` over each duration (NaN counts as 0), via prefix sums: O(n) per duration. */
export function meanMax (values: Float64Array, durations: readonly number[]): Best[] {
  const n = values.length
  const prefix = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] ?? 0) + (Number.isNaN(values[i] ?? 0) ? 0 : (values[i] ?? 0))
  const best: Best[] = []
  for (const duration of durations) {
    if (duration > n) break
    let top = -1
    let at = 0
    for (let i = 0; i + duration <= n; i++) {
      const sum = (prefix[i + duration] ?? 0) - (prefix[i] ?? 0)
      if (sum > top) {
        top = sum
        at = i
      }
    }
    best.push({ duration, value: top / duration, startIndex: at })
  }
  // A best effort over a longer window also bounds the shorter ones (a U-shaped window can
  // out-average its sub-windows), so the curve is made non-increasing, as analysis tools show it.
  for (let i = best.length - 2; i >= 0; i--) {
    const longer = best[i + 1]
    const entry = best[i]
    if (longer !== undefined && entry !== undefined && longer.value > entry.value) best[i] = { ...longer, duration: entry.duration }
  }
  return best
}

/** Index from which the work done before reaches `after` (kJ of power, or metres of speed); -1 if never. */
export function indexAfterWork (values: Float64Array, metric: string, after: number): number {
  const target = metric === 'power' ? after * 1000 : after
  let work = 0
  for (let i = 0; i < values.length; i++) {
    if (work >= target) return i
    work += Number.isNaN(values[i] ?? 0) ? 0 : (values[i] ?? 0)
  }
  return work >= target ? values.length : -1
}

/** The intensity step of the accumulated-work-duration curve for a metric. */
function stepOf (metric: string): number {
  if (metric === 'power') return 5
  if (metric === 'speed') return 0.1
  return 1
}

/** Seconds at or above each intensity level, from 0 to the maximum: `[level, seconds]` pairs. */
export function accumulatedWorkDuration (samples: Iterable<Float64Array>, metric: string): Array<[number, number]> {
  const step = stepOf(metric)
  const counts: number[] = []
  for (const values of samples) {
    for (const value of values) {
      if (Number.isNaN(value) || value < 0) continue
      const bucket = Math.floor(value / step + 1e-9)
      counts[bucket] = (counts[bucket] ?? 0) + 1
    }
  }
  const levels: Array<[number, number]> = []
  let atOrAbove = 0
  for (let bucket = counts.length - 1; bucket >= 0; bucket--) {
    atOrAbove += counts[bucket] ?? 0
    levels.push([Math.round(bucket * step * 100) / 100, atOrAbove])
  }
  return levels.reverse()
}

/**
 * Down-samples a batch the way AISC segmentation does in spirit: a segment grows while the key
 * metric stays within 20 % of the segment's mean (at most 120 s); each segment becomes one row
 * stamped at its start, with means for intensities and the first value for running counters.
 */
export function segmentBatch (batch: SeriesBatch, keyIndex: number, metrics: readonly string[]): SeriesBatch {
  const key = batch.columns[keyIndex]
  const rows = batch.timestamps.length
  const starts: number[] = []
  let start = 0
  let sum = 0
  for (let i = 0; i < rows; i++) {
    const value = typeof key?.[i] === 'number' ? key[i] as number : 0
    const count = i - start
    const mean = count === 0 ? value : sum / count
    if (count > 0 && (count >= 120 || Math.abs(value - mean) > Math.max(0.2 * Math.abs(mean), 1e-6))) {
      starts.push(start)
      start = i
      sum = 0
    }
    sum += value
  }
  if (rows > 0) starts.push(start)
  const firstValue = new Set(['duration', 'lap', 'distance', 'latitude', 'longitude'])
  const columns = batch.columns.map((column, c) => {
    const metric = metrics[c] ?? ''
    if (!(column instanceof Int32Array || column instanceof Float64Array)) return new Array<null>(starts.length).fill(null)
    const out = column instanceof Int32Array ? new Int32Array(starts.length) : new Float64Array(starts.length)
    starts.forEach((from, s) => {
      const to = starts[s + 1] ?? rows
      if (firstValue.has(metric)) {
        out[s] = column[from] ?? 0
        return
      }
      let total = 0
      for (let i = from; i < to; i++) total += column[i] ?? 0
      const mean = total / (to - from)
      out[s] = column instanceof Int32Array ? Math.round(mean) : Math.round(mean * 100) / 100
    })
    return out
  })
  return {
    timestamps: Float64Array.from(starts, (from) => batch.timestamps[from] ?? 0),
    localTimestamps: Float64Array.from(starts, (from) => batch.localTimestamps[from] ?? 0),
    columns,
  }
}
