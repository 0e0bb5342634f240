// The data assertions of the suite hold on any day: the seed checks and the activity-data checks for
// seed end dates spread over several years, leap days and year ends included; and a signed-in user's
// reads through the BFF on the days around leap days and year ends (the BFF passes the seeded data
// through, so only the calendar's edges can matter to it). Every other test runs on the one pinned
// calendar of test/calendar.ts.
import t from 'tap'
import { TestClock } from '../calendar.ts'
import { Browser, athlete, signIn, startStack, startTestSandbox } from '../helper.ts'
import { clientOf } from '../../sandbox/test/sandbox-client.ts'
import { checkActivityData, checkSeed, checkSignedInReads } from '../seeded-data-checks.ts'

const DAY_MS = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** The days around leap days and year ends. */
const CALENDAR_EDGES = new Set(['2024-02-28', '2024-02-29', '2024-03-01', '2028-02-29', '2100-02-28', '2100-03-01',
  '2024-12-31', '2025-01-01', '2025-12-31', '2026-01-01', '2026-12-31', '2027-01-01', '2027-02-28', '2029-12-31', '2030-01-01'])

/** Every 41 days from 2023 to 2031, plus the calendar's edges. */
function seedEndDates (): string[] {
  const dates = new Set<string>(CALENDAR_EDGES)
  for (let ms = Date.parse('2023-01-03T00:00:00Z'); ms < Date.parse('2031-01-01T00:00:00Z'); ms += 41 * DAY_MS) dates.add(iso(ms))
  return [...dates].sort()
}

// 86 sandboxes, 15 of them with a BFF and a sign-in: over tap's default per-file bound on a busy machine.
t.setTimeout(600_000)

const dates = seedEndDates()
t.ok(dates.length >= 60, `${dates.length} seed end dates, ${dates[0]} to ${dates.at(-1)}`)

for (const date of dates) {
  t.test(`seed ending ${date}`, async t => {
    checkSeed(t, date)
    const clock = new TestClock(`${date}T21:00:00Z`)
    let sandbox
    if (CALENDAR_EDGES.has(date)) {
      const stack = await startStack(t, { clock, sandbox: { seedEndDate: date } })
      const browser = new Browser(stack.app)
      await signIn(browser, athlete.id)
      await checkSignedInReads(t, browser, athlete.id)
      sandbox = stack.sandbox
    } else {
      sandbox = await startTestSandbox(t, clock, { seedEndDate: date })
    }
    const ss = clientOf(sandbox)
    await checkActivityData(t, ss, (await ss.login(athlete.id)).access_token, date)
  })
}
