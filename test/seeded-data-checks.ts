// Assertions about the seeded data that must hold whatever the seed's end date: the sandbox's own
// checks, the activity-data checks and what a signed-in user reads through the BFF. Each test file
// runs them on the test calendar; test/seed-dates.test.ts runs them for many end dates.
import type { Test } from 'tap'
import { sandboxUsers, seedActivities, ulidTime } from '@sweatstack-bff/sandbox'
import type { Browser } from './helper.ts'
import type { clientOf } from '../sandbox/test/sandbox-client.ts'
import { parquetColumns, parquetRows } from '../sandbox/test/sandbox-client.ts'

const DAY_MS = 86_400_000
const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10)

interface Activity { id: string, sport: string, start: string, metrics?: string[] | null, distance?: number | null }

/** An activity has a distance exactly when it records speed or distance (an indoor ride has none). */
export function checkDistance (t: Test, activity: Activity): void {
  const moves = (activity.metrics ?? []).some(metric => metric === 'speed' || metric === 'distance')
  if (moves) t.type(activity.distance, 'number', `${activity.sport} ${activity.id} has a distance`)
  else t.equal(activity.distance, null, `${activity.sport} ${activity.id} records no distance`)
}

/** The seeded year: deterministic, realistic, within the year that ends on `seedEndDate`. */
export function checkSeed (t: Test, seedEndDate: string): void {
  const seeded = seedActivities(seedEndDate)
  t.equal(JSON.stringify([...seedActivities(seedEndDate)]), JSON.stringify([...seeded]), 'byte-identical for the same end date')
  const yearBefore = daysBefore(seedEndDate, 365)
  for (const user of sandboxUsers) {
    const activities = seeded.get(user.id) ?? []
    if (user.role === 'coach') {
      t.same(activities, [], 'the coach has no activities')
      continue
    }
    const perWeek = activities.length / (365 / 7)
    t.ok(perWeek >= 4 && perWeek <= 6, `${user.name}: ${perWeek.toFixed(1)} a week`)
    t.ok((activities[0]?.start ?? '').slice(0, 10) <= seedEndDate, 'nothing after the end date')
    t.ok((activities[0]?.start ?? '').slice(0, 10) >= daysBefore(seedEndDate, 14), 'something in the last two weeks')
    t.ok((activities.at(-1)?.start ?? '').slice(0, 10) >= yearBefore, 'within a year of the end date')
    t.ok(new Set(activities.map(a => a.sport)).size >= 4, 'several sports')
    t.ok(activities.every(a => ulidTime(a.id) === Date.parse(a.start)), 'each ULID\'s time is its start')
    t.ok(activities.every((a, i) => i === 0 || (activities[i - 1]?.start ?? '') >= a.start), 'newest first')
    const wrongDistance = activities.find(a => (a.distance !== null) !== a.metrics.some(metric => metric === 'speed' || metric === 'distance'))
    t.equal(wrongDistance, undefined, 'a distance exactly where speed or distance is recorded')
  }
}

/** Time series, mean-max and accumulated work of the latest run, and the longitudinal data before the end date. */
export async function checkActivityData (t: Test, ss: ReturnType<typeof clientOf>, token: string, seedEndDate: string): Promise<void> {
  const running = (await ss.call('GET', '/api/v1/activities/latest', { token, query: { sport: 'running' } })).body
  t.ok(running.start.slice(0, 10) <= seedEndDate, 'the latest run is within the seeded year')
  const answer = await ss.call('GET', `/api/v1/activities/${running.id}/data`, { token, query: { metrics: ['heart_rate', 'power', 'notes'] } })
  const rows = await parquetRows(answer.bytes)
  t.ok(rows.length > 0 && rows.every(row => row.power === null && row.notes === null), 'metrics the activity lacks are null')
  t.ok(rows.every(row => typeof row.heart_rate === 'number'))
  const defaults = await ss.call('GET', `/api/v1/activities/${running.id}/data`, { token })
  t.same(parquetColumns(defaults.bytes), ['timestamp', 'timestamp_local', ...running.metrics], 'default: the activity\'s metrics')
  const segmented = await ss.call('GET', `/api/v1/activities/${running.id}/data`, { token, query: { metrics: ['speed', 'heart_rate'], segmentation_on: 'speed' } })
  t.ok((await parquetRows(segmented.bytes)).length < rows.length, 'segmentation down-samples')

  const curve = await parquetRows((await ss.call('GET', `/api/v1/activities/${running.id}/mean-max`, { token, query: { metric: 'speed', durations: 'all' } })).bytes)
  t.same(curve.slice(0, 3).map(row => row.duration), [1, 2, 3], 'all: 1 s steps')
  t.ok(curve.every((row, i) => i === 0 || (row.speed as number) <= (curve[i - 1]?.speed as number) + 1e-9), 'the curve never rises')
  const defaultCurve = await parquetRows((await ss.call('GET', `/api/v1/activities/${running.id}/mean-max`, { token, query: { metric: 'speed' } })).bytes)
  t.same(defaultCurve.map(row => row.duration), [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600].filter(d => d <= (Date.parse(running.end) - Date.parse(running.start)) / 1000))
  const awd = await parquetRows((await ss.call('GET', `/api/v1/activities/${running.id}/accumulated-work-duration`, { token })).bytes)
  t.ok(awd.length > 0 && 'speed' in (awd[0] ?? {}), 'default metric: speed outside cycling')
  t.ok(awd.every((row, i) => i === 0 || (row.duration as number) <= (awd[i - 1]?.duration as number)), 'time at or above a level falls as the level rises')

  // From the day of the third-latest run to the end date: at least three runs, whatever the calendar.
  const lastRuns = (await ss.call('GET', '/api/v1/activities/', { token, query: { sport: 'running', limit: 3 } })).body as Array<{ start: string }>
  const since = lastRuns.at(-1)!.start.slice(0, 10)
  const longitudinal = await parquetRows((await ss.call('GET', '/api/v1/activities/longitudinal-data', { token, query: { sport: 'running', start: since, end: seedEndDate, metrics: 'heart_rate' } })).bytes)
  t.ok(new Set(longitudinal.map(row => row.activity_id)).size >= 3, `the runs since ${since}`)
  t.ok(longitudinal.every(row => String(row.sport).startsWith('running')))
}

/** What a signed-in athlete reads through the BFF: ten newest activities, the latest, one in full, their profile. */
export async function checkSignedInReads (t: Test, browser: Browser, userId: string): Promise<void> {
  const list = await browser.api('/api/v1/activities/?limit=10')
  t.equal(list.statusCode, 200)
  t.match(list.headers['content-type'], /application\/json/)
  const activities = list.json() as Activity[]
  t.equal(activities.length, 10)
  for (const activity of activities) {
    t.match(activity, { id: /^[0-9A-HJKMNP-TV-Z]{26}$/, sport: String, start: /Z$/, start_local: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, duration: /^P/ })
  }
  const starts = activities.map(a => a.start)
  t.same(starts, [...starts].sort().reverse(), 'newest first')

  const latest = await browser.api('/api/v1/activities/latest')
  t.equal(latest.statusCode, 200)
  t.equal(latest.json().id, activities[0]!.id)

  for (const summary of activities.slice(0, 4)) {
    const one = await browser.api(`/api/v1/activities/${summary.id}`)
    t.equal(one.statusCode, 200)
    t.match(one.json(), { id: summary.id, sport: summary.sport, start: summary.start })
    checkDistance(t, one.json())
  }

  const info = await browser.api('/api/v1/oauth/userinfo')
  t.equal(info.statusCode, 200)
  t.equal(info.json().sub, userId)
}
