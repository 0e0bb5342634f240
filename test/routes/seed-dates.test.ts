// The data assertions of the suite hold on any day: the seed checks, the activity-data checks and a
// signed-in user's reads through the BFF, for seed end dates spread over several years, leap days
// and year ends included. (Every other test runs on the one pinned calendar of test/calendar.ts.)
import t from 'tap'
import { TestClock } from '../calendar.ts'
import { Browser, athlete, signIn, startStack } from '../helper.ts'
import { clientOf } from '../../sandbox/test/sandbox-client.ts'
import { checkActivityData, checkSeed, checkSignedInReads } from '../seeded-data-checks.ts'

const DAY_MS = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** Every 41 days from 2023 to 2031, plus the days around leap days and year ends. */
function seedEndDates (): string[] {
  const dates = new Set<string>()
  for (let ms = Date.parse('2023-01-03T00:00:00Z'); ms < Date.parse('2031-01-01T00:00:00Z'); ms += 41 * DAY_MS) dates.add(iso(ms))
  for (const special of ['2024-02-28', '2024-02-29', '2024-03-01', '2028-02-29', '2100-02-28', '2100-03-01',
    '2024-12-31', '2025-01-01', '2025-12-31', '2026-01-01', '2026-12-31', '2027-01-01', '2027-02-28', '2029-12-31', '2030-01-01']) dates.add(special)
  return [...dates].sort()
}

// 87 whole sign-ins against 87 sandboxes: well over tap's default per-file bound on a busy machine.
t.setTimeout(600_000)

const dates = seedEndDates()
t.ok(dates.length >= 60, `${dates.length} seed end dates, ${dates[0]} to ${dates.at(-1)}`)

for (const date of dates) {
  t.test(`seed ending ${date}`, async t => {
    checkSeed(t, date)
    const clock = new TestClock(`${date}T21:00:00Z`)
    const stack = await startStack(t, { clock, sandbox: { seedEndDate: date } })
    const browser = new Browser(stack.app)
    await signIn(browser, athlete.id)
    await checkSignedInReads(t, browser, athlete.id)
    const ss = clientOf(stack.sandbox)
    await checkActivityData(t, ss, (await ss.login(athlete.id)).access_token, date)
  })
}
