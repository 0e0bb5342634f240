import type { ActivityDetails, ActivitySummary, ActivitySummarySummary } from './models.ts'
import { between, chance, createRandom, intBetween, pickWeighted, seedFromLabel, shuffle } from './prng.ts'
import type { Random } from './prng.ts'
import { DAY_MS, centralEuropeanOffsetMs, centralEuropeanToUtc, formatNaive, formatUtc, isoDuration, parseDate } from './time.ts'
import { ulid } from './ulid.ts'
import { sandboxUsers } from './users.ts'
import type { SandboxUser } from './users.ts'

type Range = readonly [number, number]
type Intensity = 'easy' | 'interval' | 'race'
type DeviceKind = 'bike' | 'watch' | 'indoor'

interface SportSpec {
  minutes: Range
  speed: Range | null
  /** Mean power as a share of the athlete's FTP on an easy day. */
  power: Range | null
  cadence: Range | null
  /** Metres climbed per kilometre; null indoors. */
  climbPerKm: Range | null
  gps: boolean
  device: DeviceKind
  raceable: boolean
  intervals: boolean
}

const sports: Record<string, SportSpec> = {
  'cycling.road': { minutes: [60, 240], speed: [7, 8.6], power: [0.58, 0.7], cadence: [82, 92], climbPerKm: [5, 14], gps: true, device: 'bike', raceable: true, intervals: true },
  'cycling+stationary': { minutes: [40, 90], speed: null, power: [0.65, 0.78], cadence: [86, 96], climbPerKm: null, gps: false, device: 'indoor', raceable: false, intervals: true },
  'running.road': { minutes: [30, 100], speed: [2.9, 3.5], power: null, cadence: [164, 180], climbPerKm: [3, 10], gps: true, device: 'watch', raceable: true, intervals: true },
  'running.trail': { minutes: [60, 180], speed: [2.2, 2.8], power: null, cadence: [156, 172], climbPerKm: [25, 60], gps: true, device: 'watch', raceable: true, intervals: true },
  'running+stationary': { minutes: [30, 60], speed: [2.8, 3.4], power: null, cadence: [166, 180], climbPerKm: null, gps: false, device: 'watch', raceable: false, intervals: true },
  'swimming.pool': { minutes: [40, 75], speed: [1.0, 1.3], power: null, cadence: null, climbPerKm: null, gps: false, device: 'watch', raceable: false, intervals: true },
  'xc_skiing.skate': { minutes: [60, 150], speed: [4, 5.4], power: null, cadence: null, climbPerKm: [10, 25], gps: true, device: 'watch', raceable: true, intervals: true },
  'walking.hiking': { minutes: [90, 300], speed: [1.0, 1.35], power: null, cadence: null, climbPerKm: [40, 90], gps: true, device: 'watch', raceable: false, intervals: false },
}

interface AthleteProfile {
  ftp: number
  restingHeartRate: number
  maxHeartRate: number
  speedFactor: number
  homeAltitude: number
  summer: ReadonlyArray<readonly [string, number]>
  winter: ReadonlyArray<readonly [string, number]>
  devices: Record<DeviceKind, string>
}

const profiles: Record<string, AthleteProfile> = {
  Alice: {
    ftp: 265,
    restingHeartRate: 46,
    maxHeartRate: 188,
    speedFactor: 1.04,
    homeAltitude: 90,
    summer: [['cycling.road', 55], ['running.road', 20], ['cycling+stationary', 10], ['walking.hiking', 5], ['running.trail', 10]],
    winter: [['cycling+stationary', 50], ['running.road', 20], ['xc_skiing.skate', 25], ['running+stationary', 5]],
    devices: { bike: 'Garmin Edge 840', watch: 'Garmin Forerunner 265', indoor: 'Wahoo KICKR' },
  },
  Bob: {
    ftp: 220,
    restingHeartRate: 50,
    maxHeartRate: 192,
    speedFactor: 1.08,
    homeAltitude: 160,
    summer: [['running.road', 45], ['running.trail', 25], ['swimming.pool', 15], ['walking.hiking', 10], ['cycling.road', 5]],
    winter: [['running.road', 45], ['running+stationary', 25], ['swimming.pool', 20], ['xc_skiing.skate', 10]],
    devices: { bike: 'Garmin Edge 540', watch: 'Garmin Forerunner 965', indoor: 'Garmin Forerunner 965' },
  },
  Chloé: {
    ftp: 240,
    restingHeartRate: 48,
    maxHeartRate: 186,
    speedFactor: 1,
    homeAltitude: 450,
    summer: [['cycling.road', 30], ['running.road', 25], ['swimming.pool', 25], ['running.trail', 15], ['walking.hiking', 5]],
    winter: [['cycling+stationary', 25], ['running.road', 25], ['swimming.pool', 30], ['xc_skiing.skate', 15], ['running.trail', 5]],
    devices: { bike: 'Wahoo ELEMNT BOLT', watch: 'COROS PACE 3', indoor: 'Tacx NEO 2T' },
  },
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits))
const within = (random: Random, [min, max]: Range): number => between(random, min, max)

function pickIntensity (random: Random, spec: SportSpec, weekend: boolean): Intensity {
  if (spec.raceable && weekend && chance(random, 0.07)) return 'race'
  return spec.intervals && chance(random, 0.18) ? 'interval' : 'easy'
}

function startMinuteOfDay (random: Random, weekend: boolean): number {
  if (weekend) return intBetween(random, 8 * 60 + 30, 11 * 60)
  return chance(random, 0.35) ? intBetween(random, 6 * 60, 7 * 60 + 30) : intBetween(random, 16 * 60 + 30, 19 * 60)
}

function seasonalTemperature (dayMs: number): number {
  const dayOfYear = (dayMs - Date.UTC(new Date(dayMs).getUTCFullYear(), 0, 1)) / DAY_MS
  return 3 + 14 * (1 - Math.cos(2 * Math.PI * (dayOfYear - 20) / 365)) / 2
}

function metricsOf (spec: SportSpec): string[] {
  const metrics = ['duration']
  if (spec.power !== null) metrics.push('power')
  metrics.push('heart_rate')
  if (spec.speed !== null) metrics.push('speed')
  if (spec.cadence !== null) metrics.push('cadence')
  if (spec.speed !== null) metrics.push('distance')
  if (spec.climbPerKm !== null) metrics.push('altitude')
  if (spec.gps) metrics.push('latitude', 'longitude')
  if (spec.device === 'bike') metrics.push('temperature')
  return metrics
}

interface Effort {
  durationSeconds: number
  distance: number | null
  summary: ActivitySummarySummary
}

function simulateEffort (random: Random, spec: SportSpec, profile: AthleteProfile, intensity: Intensity, dayMs: number, fixedSeconds?: number): Effort {
  const boost = { easy: 1, interval: 1.05, race: 1.12 }[intensity]
  const minutes = intensity === 'interval' ? between(random, 45, 90) : within(random, spec.minutes)
  const drawnSeconds = Math.round(minutes * 60) + intBetween(random, 0, 59)
  const durationSeconds = fixedSeconds ?? drawnSeconds
  const summary: ActivitySummarySummary = {}
  let distance: number | null = null

  if (spec.power !== null) {
    const share = intensity === 'race' ? between(random, 0.86, 0.95) : within(random, spec.power) * boost
    const mean = profile.ftp * share
    const sprint = spec.device === 'indoor' ? between(random, 1.6, 2.6) : between(random, 2.6, 4.2)
    summary.power = { mean: round(mean, 1), max: round(mean * sprint, 1) }
  }
  if (spec.speed !== null) {
    const mean = within(random, spec.speed) * profile.speedFactor * boost
    const burst = spec.speed[1] < 2 ? between(random, 1.1, 1.35) : between(random, 1.25, 1.9)
    summary.speed = { mean: round(mean, 2), max: round(mean * burst, 2) }
    distance = round(mean * durationSeconds * between(random, 0.93, 0.99), 1)
    summary.distance = { sum: distance }
  }
  if (spec.climbPerKm !== null && distance !== null) {
    const gain = within(random, spec.climbPerKm) * distance / 1000
    const min = Math.max(0, profile.homeAltitude + between(random, -40, 40))
    const range = Math.min(gain * between(random, 0.3, 0.6), 1400)
    summary.altitude = {
      mean: round(min + range * between(random, 0.35, 0.55), 1),
      gain: round(gain, 1),
      loss: round(gain * between(random, 0.96, 1.04), 1),
      min: round(min, 1),
      max: round(min + range, 1),
    }
  }

  const reserve = profile.maxHeartRate - profile.restingHeartRate
  const load = { easy: between(random, 0.52, 0.64), interval: between(random, 0.68, 0.78), race: between(random, 0.82, 0.9) }[intensity]
  const hrMean = profile.restingHeartRate + reserve * load
  const hrMin = profile.restingHeartRate + between(random, 18, 38)
  summary.heart_rate = {
    mean: round(hrMean, 1),
    min: Math.round(hrMin),
    max: Math.round(Math.min(profile.maxHeartRate, hrMean + between(random, 12, 30))),
    start: Math.round(hrMin + between(random, 0, 12)),
    end: Math.round(hrMean - between(random, 5, 25)),
  }

  if (spec.cadence !== null) {
    const mean = within(random, spec.cadence)
    summary.cadence = { mean: round(mean, 1), max: round(mean + between(random, 12, 35), 1) }
  }
  if (spec.device === 'bike') {
    const mean = seasonalTemperature(dayMs) + between(random, -3, 4)
    summary.temperature = { mean: round(mean, 1), min: round(mean - between(random, 1, 4), 1), max: round(mean + between(random, 1, 6), 1) }
  }
  return { durationSeconds, distance, summary }
}

function activityDay (random: Random, user: SandboxUser, profile: AthleteProfile, dayMs: number): ActivityDetails {
  const month = new Date(dayMs).getUTCMonth()
  const winter = month >= 10 || month <= 2
  const sport = pickWeighted(random, winter ? profile.winter : profile.summer)
  const spec = sports[sport]
  if (spec === undefined) throw new Error(`no spec for sport ${sport} of ${user.name}`)
  const weekday = new Date(dayMs).getUTCDay()
  const weekend = weekday === 0 || weekday === 6
  const intensity = pickIntensity(random, spec, weekend)

  const startMs = centralEuropeanToUtc(dayMs + startMinuteOfDay(random, weekend) * 60_000 + intBetween(random, 0, 59) * 1000)
  const effort = simulateEffort(random, spec, profile, intensity, dayMs)
  const endMs = startMs + effort.durationSeconds * 1000
  const id = ulid(startMs, random)
  const sourceId = ulid(endMs + intBetween(random, 60, 900) * 1000, random)

  return {
    tags: intensity === 'easy' ? [] : [intensity],
    id,
    sport,
    start: formatUtc(startMs),
    end: formatUtc(endMs),
    metrics: metricsOf(spec),
    source_id: sourceId,
    summary: effort.summary,
    laps: null,
    traces: null,
    app_metadata: null,
    distance: effort.distance,
    devices: [profile.devices[spec.device]],
    duration: isoDuration(effort.durationSeconds),
    start_local: formatNaive(startMs + centralEuropeanOffsetMs(startMs)),
    end_local: formatNaive(endMs + centralEuropeanOffsetMs(endMs)),
  }
}

function seedAthlete (user: SandboxUser, profile: AthleteProfile, endDayMs: number): ActivityDetails[] {
  const random = createRandom(seedFromLabel(`activities of ${user.id}`))
  const firstDayMs = endDayMs - 364 * DAY_MS
  const activities: ActivityDetails[] = []
  for (let weekStart = 0; weekStart < 365; weekStart += 7) {
    const days = Array.from({ length: Math.min(7, 365 - weekStart) }, (_, i) => weekStart + i)
    const count = Math.round(intBetween(random, 4, 6) * days.length / 7)
    const chosen = shuffle(random, days).slice(0, count).sort((a, b) => a - b)
    for (const day of chosen) activities.push(activityDay(random, user, profile, firstDayMs + day * DAY_MS))
  }
  return activities.reverse()
}

/** Activities per user id, newest first, for the 365 days ending on `endDate` (YYYY-MM-DD). */
export function seedActivities (endDate: string): Map<string, ActivityDetails[]> {
  const endDayMs = parseDate(endDate)
  if (endDayMs === null) throw new Error(`seedEndDate must be a date as YYYY-MM-DD, got ${JSON.stringify(endDate)}`)
  const byUser = new Map<string, ActivityDetails[]>()
  for (const user of sandboxUsers) {
    const profile = user.role === 'athlete' ? profiles[user.givenName] : undefined
    byUser.set(user.id, profile === undefined ? [] : seedAthlete(user, profile, endDayMs))
  }
  return byUser
}

const genericSpec: SportSpec = { minutes: [30, 90], speed: null, power: null, cadence: null, climbPerKm: null, gps: false, device: 'watch', raceable: false, intervals: false }

const defaultProfile: AthleteProfile = {
  ftp: 230,
  restingHeartRate: 52,
  maxHeartRate: 185,
  speedFactor: 1,
  homeAltitude: 120,
  summer: [['running.road', 1]],
  winter: [['running.road', 1]],
  devices: { bike: 'Garmin Edge 540', watch: 'Garmin Forerunner 265', indoor: 'Wahoo KICKR' },
}

/** The spec of a sport, or of its nearest seeded relative (`cycling.gravel` → `cycling.road`), or a generic one. */
function specOf (sport: string): SportSpec {
  const exact = sports[sport]
  if (exact !== undefined) return exact
  const [path = '', ...modifiers] = sport.split('+')
  const root = path.split('.')[0] ?? path
  const stationary = modifiers.includes('stationary')
  const relative = Object.entries(sports).find(([name]) => name.split(/[.+]/)[0] === root && name.includes('+stationary') === stationary) ??
    Object.entries(sports).find(([name]) => name.split(/[.+]/)[0] === root)
  return relative?.[1] ?? genericSpec
}

const homes: Record<string, readonly [number, number]> = {
  Alice: [59.9139, 10.7522],
  Bob: [59.8940, 10.5460],
  Chloé: [45.1885, 5.7245],
}

/** Where a user's outdoor activities start: [latitude, longitude]. */
export function homeOf (givenName: string): readonly [number, number] {
  return homes[givenName] ?? [59.9127, 10.7461]
}

export interface NewActivity {
  /** Picks the athlete profile (FTP, heart rate, devices); unknown names get a generic one. */
  givenName: string
  sport: string
  startMs: number
  durationSeconds: number
  /** Streams to declare; default: what the sport records. */
  metrics?: string[]
  random: Random
}

/** An activity with a plausible summary for the sport and athlete, as the knob and uploads create them. */
export function buildActivity ({ givenName, sport, startMs, durationSeconds, metrics, random }: NewActivity): ActivityDetails {
  const spec = specOf(sport)
  const profile = profiles[givenName] ?? defaultProfile
  const effort = simulateEffort(random, spec, profile, 'easy', startMs, durationSeconds)
  const endMs = startMs + durationSeconds * 1000
  const streams = metrics ?? metricsOf(spec)
  const summary = Object.fromEntries(Object.entries(effort.summary).filter(([metric]) => streams.includes(metric))) as ActivitySummarySummary
  const hasDistance = streams.includes('distance') || streams.includes('speed')
  return {
    tags: [],
    id: ulid(startMs, random),
    sport,
    start: formatUtc(startMs),
    end: formatUtc(endMs),
    metrics: streams,
    source_id: ulid(endMs, random),
    summary,
    laps: null,
    traces: null,
    app_metadata: null,
    distance: hasDistance ? effort.distance ?? round(durationSeconds * 3, 1) : null,
    devices: [profile.devices[spec.device]],
    duration: isoDuration(durationSeconds),
    start_local: formatNaive(startMs + centralEuropeanOffsetMs(startMs)),
    end_local: formatNaive(endMs + centralEuropeanOffsetMs(endMs)),
  }
}

export function toSummary (activity: ActivityDetails): ActivitySummary {
  const { distance: _distance, devices: _devices, ...summary } = activity
  return summary
}
