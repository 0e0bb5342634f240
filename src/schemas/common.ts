import { Type } from 'typebox'
import type { TSchema } from 'typebox'

/** OpenSportTaxonomy: `code(.sub)*(+modifier)*`, e.g. `cycling.road` or `running+stationary`. */
export const SPORT_PATTERN = '^[a-z]+(?:_[a-z]+)*(?:\\.[a-z]+(?:_[a-z]+)*)*(?:\\+[a-z]+(?:_[a-z]+)*)*$'

export const Sport = Type.String({
  pattern: SPORT_PATTERN,
  maxLength: 100,
  description: 'An OpenSportTaxonomy sport, e.g. `cycling`, `cycling.road`, `running+stationary`. A parent sport matches its sub-sports.',
  examples: ['cycling.road'],
})

export const DateOnly = Type.String({ format: 'date', description: 'A date, `YYYY-MM-DD`.', examples: ['2026-06-01'] })

/** UTC instant as SweatStack sends it, e.g. `2026-05-18T15:32:00Z`. */
export const Instant = Type.String({ format: 'date-time', examples: ['2026-05-18T15:32:00Z'] })

/** Local wall-clock time without a zone, e.g. `2026-05-18T17:32:00`. */
export const NaiveDateTime = Type.String({ description: 'Local wall-clock time, without a time zone.', examples: ['2026-05-18T17:32:00'] })

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** A repeatable query parameter: `?sport=a&sport=b` (one value is accepted too). */
export const Repeated = <T extends TSchema>(item: T, description: string) =>
  Type.Optional(Type.Array(item, { description, maxItems: 50 }))
