import { Type } from 'typebox'
import { DateOnly, Instant, NaiveDateTime, Nullable, Repeated, Sport } from './common.ts'

// SweatStack adds fields over time; extra fields are kept and passed on, never dropped.
const open = { additionalProperties: true }
const n = () => Type.Optional(Nullable(Type.Number()))

const MeanMax = Type.Object({ mean: n(), max: n() }, open)
const MeanMinMax = Type.Object({ mean: n(), min: n(), max: n(), start: n(), end: n() }, open)

export const ActivitySummarySummary = Type.Object({
  power: Type.Optional(Nullable(MeanMax)),
  speed: Type.Optional(Nullable(MeanMax)),
  cadence: Type.Optional(Nullable(MeanMax)),
  distance: Type.Optional(Nullable(Type.Object({ sum: n() }, open))),
  altitude: Type.Optional(Nullable(Type.Object({ mean: n(), gain: n(), loss: n(), min: n(), max: n() }, open))),
  heart_rate: Type.Optional(Nullable(MeanMinMax)),
  temperature: Type.Optional(Nullable(MeanMinMax)),
  core_temperature: Type.Optional(Nullable(MeanMinMax)),
  smo2: Type.Optional(Nullable(MeanMinMax)),
}, { ...open, description: 'Per-metric summaries: power W, speed m/s, cadence rpm, distance m, altitude m, heart rate bpm, temperatures °C, SmO2 %.' })

export const Metric = Type.String({
  description: 'A SweatStack metric: duration, lap, power, speed, heart_rate, respiration_rate, smo2, core_temperature, elevation, altitude, cadence, temperature, distance, longitude, latitude, lactate, rpe, notes.',
  examples: ['power'],
})

const activityFields = {
  id: Type.String({ description: 'The activity id (a ULID).', examples: ['01JV7Q4ZK8W3N5T2B6X9C0D1EF'] }),
  sport: Sport,
  start: Instant,
  end: Instant,
  start_local: NaiveDateTime,
  end_local: NaiveDateTime,
  duration: Type.String({ description: 'ISO 8601 duration, e.g. `PT1H2M3S`.', examples: ['PT1H2M3S'] }),
  metrics: Type.Array(Metric, { description: 'The metrics this activity has data for.' }),
  source_id: Type.String(),
  tags: Type.Optional(Nullable(Type.Array(Type.String()))),
  summary: Type.Optional(Nullable(ActivitySummarySummary)),
  laps: Type.Optional(Nullable(Type.Array(Type.Object({}, open)))),
  traces: Type.Optional(Nullable(Type.Array(Type.Object({}, open)))),
  app_metadata: Type.Optional(Nullable(Type.Object({}, { ...open, description: "This app's own metadata on the activity (only visible to this app)." }))),
}

const example = {
  id: '01JV7Q4ZK8W3N5T2B6X9C0D1EF',
  sport: 'cycling.road',
  start: '2026-05-18T15:32:00Z',
  end: '2026-05-18T17:04:10Z',
  start_local: '2026-05-18T17:32:00',
  end_local: '2026-05-18T19:04:10',
  duration: 'PT1H32M10S',
  metrics: ['duration', 'power', 'heart_rate', 'speed', 'cadence', 'distance', 'altitude'],
  source_id: '01JV7Q4ZK8W3N5T2B6X9C0D1EG',
  tags: [],
  summary: { power: { mean: 212.4, max: 655 }, heart_rate: { mean: 141, max: 176 }, distance: { sum: 48210 } },
  laps: null,
  traces: null,
  app_metadata: null,
}

export const ActivitySummary = Type.Object(activityFields, { ...open, $id: 'ActivitySummary', examples: [example] })

export const ActivityDetails = Type.Object({
  ...activityFields,
  distance: Type.Optional(Nullable(Type.Number({ description: 'Metres.' }))),
  devices: Type.Optional(Nullable(Type.Array(Type.String()))),
}, { ...open, $id: 'ActivityDetails', examples: [{ ...example, distance: 48210.5, devices: ['Garmin Edge 840'] }] })

export const ActivityListQuery = Type.Object({
  start: Type.Optional({ ...DateOnly, description: 'Only activities starting on or after this date (`YYYY-MM-DD`).' }),
  end: Type.Optional({ ...DateOnly, description: 'Only activities starting on or before this date (`YYYY-MM-DD`).' }),
  sport: Repeated(Sport, 'Repeat to match any of several sports: `?sport=cycling&sport=running`. A parent sport matches its sub-sports.'),
  tags: Repeated(Type.String({ minLength: 1, maxLength: 100 }), 'Repeat to require several tags: an activity must have all of them.'),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size (SweatStack\'s default is 50).' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'How many activities to skip; a page shorter than `limit` is the last.' })),
}, { additionalProperties: false })

export const LatestActivityQuery = Type.Object({
  sport: Type.Optional({ ...Sport, description: 'Only the latest activity of this sport (or its sub-sports).' }),
}, { additionalProperties: false })

export const ActivityParams = Type.Object({
  activity_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'The activity id.' }),
})
