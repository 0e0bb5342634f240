import type { ActivityDetails, JsonObject } from './models.ts'
import { between, createRandom, intBetween, seedFromLabel } from './prng.ts'
import type { Random } from './prng.ts'
import { ulid } from './ulid.ts'

export interface TraceRecord {
  id: string
  tags: string[] | null
  testId: string | null
  timestampMs: number
  lactate: number | null
  rpe: number | null
  notes: string | null
  power: number | null
  speed: number | null
  heartRate: number | null
  vo2: number | null
  sport: string | null
}

export interface TestRecord {
  id: string
  /** Client id of the application that created it; null for tests made in SweatStack itself. */
  createdBy: string | null
  title: string | null
  sport: string
  startMs: number
  endMs: number | null
  results: JsonObject | null
  tags: string[] | null
}

/** The client id of "another application", which created one seeded test per athlete. */
export const otherApplicationId = '01KJSZJG3Z4ETF7C195H0H6NCJ'

const round = (value: number, digits: number): number => Number(value.toFixed(digits))

function rootOf (sport: string): string {
  return sport.split(/[.+]/)[0] ?? sport
}

interface StepTestInput {
  random: Random
  activity: ActivityDetails
  linked: boolean
  title: string
  createdBy: string | null
}

/** A lactate step test over an activity: 6 steps of 4 minutes, a trace at the end of each. */
function stepTest ({ random, activity, linked, title, createdBy }: StepTestInput): { test: TestRecord, traces: TraceRecord[] } {
  const startMs = Date.parse(activity.start)
  const endMs = Date.parse(activity.end)
  const sport = rootOf(activity.sport)
  const cycling = sport === 'cycling'
  const test: TestRecord = {
    id: ulid(startMs, random),
    createdBy,
    title,
    sport,
    startMs,
    endMs,
    results: null,
    tags: createdBy === null ? ['lab', 'lactate'] : ['field'],
  }
  const traces: TraceRecord[] = []
  const firstPower = intBetween(random, 120, 150)
  const firstSpeed = round(between(random, 2.6, 3.0), 2)
  let heartRate = intBetween(random, 112, 122)
  for (let step = 0; step < 6; step++) {
    const timestampMs = Math.min(endMs - 60_000, startMs + (10 + 4 * (step + 1)) * 60_000)
    const lactate = round(0.9 + 0.12 * Math.exp(0.75 * step) + between(random, -0.1, 0.1), 1)
    heartRate += intBetween(random, 9, 13)
    traces.push({
      id: ulid(timestampMs, random),
      tags: ['step-test'],
      testId: linked ? test.id : null,
      timestampMs,
      lactate,
      rpe: Math.min(10, 2 + step + (step > 3 ? 1 : 0)),
      notes: `End of step ${step + 1}`,
      power: cycling ? firstPower + 30 * step : null,
      speed: cycling ? null : round(firstSpeed + 0.28 * step, 2),
      heartRate,
      vo2: null,
      sport,
    })
  }
  const marker = (index: number): JsonObject => {
    const trace = traces[index]
    return { power: trace?.power ?? null, speed: trace?.speed ?? null, heart_rate: trace?.heartRate ?? null, lactate: trace?.lactate ?? null, vo2: null }
  }
  test.results = { first_threshold: marker(2), second_threshold: marker(4), heart_rate_max: heartRate + intBetween(random, 4, 10) }
  return { test, traces }
}

function rampTest (random: Random, activity: ActivityDetails): TestRecord {
  const startMs = Date.parse(activity.start)
  const sport = rootOf(activity.sport)
  const power = activity.summary?.power?.mean ?? 0
  return {
    id: ulid(startMs, random),
    createdBy: null,
    title: 'Ramp test',
    sport,
    startMs,
    endMs: Date.parse(activity.end),
    results: {
      vo2max: round(between(random, 3900, 4600), 0),
      heart_rate_max: activity.summary?.heart_rate?.max ?? intBetween(random, 180, 192),
      critical_power: sport === 'cycling' ? Math.round(power * between(random, 1.25, 1.4)) : null,
      critical_speed: sport === 'cycling' ? null : round(between(random, 3.8, 4.4), 2),
      w_prime: sport === 'cycling' ? round(between(random, 14, 22), 1) : null,
    },
    tags: ['lab'],
  }
}

function rpeTrace (random: Random, activity: ActivityDetails): TraceRecord {
  const timestampMs = Date.parse(activity.end) - 60_000
  const hard = activity.tags?.includes('interval') === true || activity.tags?.includes('race') === true
  const rpe = hard ? intBetween(random, 7, 9) : intBetween(random, 3, 5)
  return {
    id: ulid(timestampMs, random),
    tags: ['rpe'],
    testId: null,
    timestampMs,
    lactate: hard ? round(between(random, 3, 7), 1) : null,
    rpe,
    notes: hard ? 'Hard session, legs heavy at the end' : 'Easy, felt good',
    power: null,
    speed: null,
    heartRate: activity.summary?.heart_rate?.end ?? null,
    vo2: null,
    sport: activity.sport,
  }
}

/** Seeded tests and traces of one athlete, newest first; deterministic for the same activities. */
export function seedRecords (userId: string, activities: ActivityDetails[]): { tests: TestRecord[], traces: TraceRecord[] } {
  const random = createRandom(seedFromLabel(`records of ${userId}`))
  const tests: TestRecord[] = []
  const traces: TraceRecord[] = []
  const oldestFirst = [...activities].reverse()
  const endurance = oldestFirst.filter((activity) => /^(cycling|running)/.test(activity.sport) && Date.parse(activity.end) - Date.parse(activity.start) >= 45 * 60_000)
  const pick = (share: number): ActivityDetails | undefined => endurance[Math.min(endurance.length - 1, Math.floor(endurance.length * share))]
  const plan: Array<[number, (activity: ActivityDetails) => void]> = [
    [0.15, (activity) => { const made = stepTest({ random, activity, linked: true, title: 'Lactate step test', createdBy: null }); tests.push(made.test); traces.push(...made.traces) }],
    [0.45, (activity) => { tests.push(rampTest(random, activity)) }],
    [0.7, (activity) => { const made = stepTest({ random, activity, linked: false, title: 'Lactate step test (unlinked traces)', createdBy: null }); tests.push(made.test); traces.push(...made.traces) }],
    [0.9, (activity) => { tests.push(stepTest({ random, activity, linked: true, title: 'Field test', createdBy: otherApplicationId }).test) }],
  ]
  for (const [share, make] of plan) {
    const activity = pick(share)
    if (activity !== undefined) make(activity)
  }
  for (let i = 0; i < 12 && oldestFirst.length > 0; i++) {
    const activity = oldestFirst[Math.floor((i + 0.5) * oldestFirst.length / 12)]
    if (activity !== undefined) traces.push(rpeTrace(random, activity))
  }
  tests.sort((a, b) => b.startMs - a.startMs)
  traces.sort((a, b) => b.timestampMs - a.timestampMs)
  return { tests, traces }
}
