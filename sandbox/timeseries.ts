import type { ActivityDetails } from './models.ts'
import { createRandom, seedFromLabel } from './prng.ts'
import { centralEuropeanOffsetMs } from './time.ts'

/** The contract's `Metric` values, in its order. */
export const knownMetrics = [
  'duration', 'lap', 'power', 'speed', 'heart_rate', 'respiration_rate', 'smo2', 'core_temperature', 'elevation',
  'altitude', 'cadence', 'temperature', 'distance', 'longitude', 'latitude', 'lactate', 'rpe', 'notes',
] as const

export type MetricKind = 'int32' | 'double' | 'string'

const integerMetrics = new Set(['duration', 'lap', 'power', 'heart_rate', 'cadence', 'rpe'])

export function metricKind (metric: string): MetricKind {
  if (metric === 'notes') return 'string'
  return integerMetrics.has(metric) ? 'int32' : 'double'
}

export function isKnownMetric (metric: string): boolean {
  return (knownMetrics as readonly string[]).includes(metric)
}

export interface SeriesBatch {
  /** UTC epoch ms of each row. */
  timestamps: Float64Array
  /** The naive local wall-clock time of each row, as epoch ms of that time read as UTC. */
  localTimestamps: Float64Array
  /** One array per requested metric, in request order: typed when filled, all-null when the metric does not apply. */
  columns: Array<ArrayLike<number | string | null>>
}

export const defaultBatchRows = 65_536

/** Recorded streams of an activity: its declared metrics, except the ones only traces carry. */
function recorded (activity: ActivityDetails): Set<string> {
  const streams = new Set(activity.metrics)
  if (streams.has('altitude')) streams.add('elevation')
  for (const traceOnly of ['lactate', 'rpe', 'notes']) streams.delete(traceOnly)
  return streams
}

function defaultSpeed (sport: string): number {
  if (sport.startsWith('cycling')) return 8
  if (sport.startsWith('running')) return 3.1
  if (sport.startsWith('swimming')) return 1.1
  if (sport.startsWith('xc_skiing')) return 4.5
  if (sport.startsWith('walking')) return 1.2
  return 2.5
}

const r1 = (value: number): number => Math.round(value * 10) / 10
const r2 = (value: number): number => Math.round(value * 100) / 100

/**
 * The activity's 1 Hz streams, generated batch by batch and deterministic per activity id.
 * Signals follow the activity's summary: a warm-up, waves and (for interval sessions) 4-minute
 * efforts drive power, speed and cadence; heart rate follows with a lag; altitude rolls with the
 * distance; GPS draws a loop from the athlete's home.
 */
export function * activitySeries (activity: ActivityDetails, metrics: readonly string[], home: readonly [number, number], batchRows = defaultBatchRows): Generator<SeriesBatch> {
  const startMs = Date.parse(activity.start)
  const total = Math.max(0, Math.round((Date.parse(activity.end) - startMs) / 1000))
  const streams = recorded(activity)
  const random = createRandom(seedFromLabel(`series of ${activity.id}`))
  const summary = activity.summary ?? {}
  const cyclingOutdoor = activity.sport.startsWith('cycling') && !activity.sport.includes('+stationary')
  const powerMean = summary.power?.mean ?? (activity.sport.startsWith('running') ? 250 : 180)
  const speedMean = summary.speed?.mean ?? defaultSpeed(activity.sport)
  const sprintRatio = Math.min(4, Math.max(1.3, (summary.power?.max ?? powerMean * 2.5) / powerMean))
  const hrMean = summary.heart_rate?.mean ?? 140
  const hrStart = summary.heart_rate?.start ?? hrMean - 30
  const hrMax = summary.heart_rate?.max ?? hrMean + 30
  const cadenceMean = summary.cadence?.mean ?? (activity.sport.startsWith('running') ? 170 : 88)
  const altitudeMin = summary.altitude?.min ?? 100
  const altitudeRange = Math.max(5, (summary.altitude?.max ?? altitudeMin + 80) - altitudeMin)
  const temperatureMean = summary.temperature?.mean ?? 15
  const intervals = activity.tags?.includes('interval') === true
  const loopLength = Math.max(4000, speedMean * total * 0.5)
  const warmup = Math.min(900, total * 0.1)
  const cooldown = Math.min(600, total * 0.05)

  let heartRate = hrStart
  let distance = 0
  let latitude = home[0]
  let longitude = home[1]
  const wanted = metrics.map((metric) => streams.has(metric) ? metric : null)

  for (let first = 0; first < total; first += batchRows) {
    const rows = Math.min(batchRows, total - first)
    const timestamps = new Float64Array(rows)
    const localTimestamps = new Float64Array(rows)
    const columns: Array<Int32Array | Float64Array | Array<string | null>> = wanted.map((metric) => {
      if (metric === null) return new Array<null>(rows).fill(null)
      return metricKind(metric) === 'int32' ? new Int32Array(rows) : new Float64Array(rows)
    })
    const batchStartMs = startMs + first * 1000
    const offsetStart = centralEuropeanOffsetMs(batchStartMs)
    const constantOffset = offsetStart === centralEuropeanOffsetMs(batchStartMs + rows * 1000)

    for (let row = 0; row < rows; row++) {
      const i = first + row
      const ms = batchStartMs + row * 1000
      timestamps[row] = ms
      localTimestamps[row] = ms + (constantOffset ? offsetStart : centralEuropeanOffsetMs(ms))

      let effort = 1 + 0.07 * Math.sin(2 * Math.PI * i / 613) + 0.05 * Math.sin(2 * Math.PI * i / 157 + 1)
      if (i < warmup) effort *= 0.75 + 0.25 * i / warmup
      else if (i > total - cooldown) effort *= 0.8
      else if (intervals && i > warmup + 300) effort *= ((i - warmup) % 600) < 240 ? 1.3 : 0.78
      const noise = random() - 0.5
      // A 12-second sprint every 20 minutes.
      const sprinting = i > warmup && i % 1200 >= 600 && i % 1200 < 612

      const phase = 2 * Math.PI * distance
      const shape = 0.5 + 0.3 * Math.sin(phase / 9000) + 0.2 * Math.sin(phase / 2700 + 1)
      const slope = altitudeRange * (0.3 * Math.cos(phase / 9000) * 2 * Math.PI / 9000 + 0.2 * Math.cos(phase / 2700 + 1) * 2 * Math.PI / 2700)
      const altitude = altitudeMin + altitudeRange * Math.min(1, Math.max(0, shape))
      const speed = Math.min(speedMean * 1.8, Math.max(speedMean * 0.3, speedMean * (0.9 + 0.1 * effort) * (1 - 4 * slope) * (1 + 0.04 * noise)))
      const coasting = cyclingOutdoor && slope < -0.01 && noise < -0.2
      const power = sprinting ? powerMean * sprintRatio * (0.9 + 0.1 * random()) : coasting ? 0 : Math.max(0, powerMean * effort * (1 + 0.24 * noise))
      const target = Math.min(hrMax, hrMean * (0.86 + 0.14 * effort))
      heartRate += (target - heartRate) / 25
      distance += speed
      const heading = 2 * Math.PI * distance / loopLength
      latitude += Math.cos(heading) * speed / 111_320
      longitude += Math.sin(heading) * speed / (111_320 * Math.cos(latitude * Math.PI / 180))

      for (let c = 0; c < wanted.length; c++) {
        const metric = wanted[c]
        if (metric === null) continue
        const column = columns[c] as Int32Array | Float64Array
        switch (metric) {
          case 'duration': column[row] = i; break
          case 'lap': column[row] = intervals ? 1 + Math.floor(Math.max(0, i - warmup) / 300) : 1 + Math.floor(i / 600); break
          case 'power': column[row] = Math.round(power); break
          case 'speed': column[row] = r2(speed); break
          case 'heart_rate': column[row] = Math.round(heartRate + noise); break
          case 'cadence': column[row] = coasting ? 0 : Math.round(cadenceMean * (0.96 + 0.04 * effort) + 3 * noise); break
          case 'altitude': case 'elevation': column[row] = r1(altitude); break
          case 'distance': column[row] = r1(distance); break
          case 'latitude': column[row] = Math.round(latitude * 1e6) / 1e6; break
          case 'longitude': column[row] = Math.round(longitude * 1e6) / 1e6; break
          case 'temperature': column[row] = r1(temperatureMean + 1.5 * Math.sin(Math.PI * i / Math.max(1, total))); break
          case 'core_temperature': column[row] = r2(37.1 + 1.4 * i / Math.max(1, total) * effort); break
          case 'smo2': column[row] = r1(68 - 22 * (effort - 0.75)); break
          case 'respiration_rate': column[row] = r1(16 + 24 * (effort - 0.7)); break
          default: column[row] = 0
        }
      }
    }
    yield { timestamps, localTimestamps, columns }
  }
}

/** One whole stream as numbers (NaN when the activity does not record it): for curves. */
export function metricSeries (activity: ActivityDetails, metric: string, home: readonly [number, number]): Float64Array {
  const total = Math.max(0, Math.round((Date.parse(activity.end) - Date.parse(activity.start)) / 1000))
  const values = new Float64Array(total)
  let offset = 0
  for (const batch of activitySeries(activity, [metric], home)) {
    const column = batch.columns[0] ?? []
    for (let i = 0; i < batch.timestamps.length; i++) values[offset + i] = typeof column[i] === 'number' ? column[i] as number : Number.NaN
    offset += batch.timestamps.length
  }
  return values
}
