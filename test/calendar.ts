// The one calendar every test runs on, whatever day the suite runs: the sandbox's seeded year ends on
// SEED_END_DATE, and the clock that the sandbox, the BFF and the browser share starts that evening.
// Nothing in a test may read the wall clock for a calendar date (see test/seed-dates.test.ts and the
// faked-date run in .ci/run).

export const SEED_END_DATE = '2026-05-18'
export const CLOCK_START = `${SEED_END_DATE}T21:00:00Z`

/** Epoch milliseconds that start at a pinned instant and move with real (monotonic) time; tests may jump it forward. */
export class TestClock {
  #offsetMs: number

  constructor (start: string | number = CLOCK_START) {
    this.#offsetMs = (typeof start === 'number' ? start : Date.parse(start)) - performance.now()
  }

  readonly now = (): number => Math.floor(this.#offsetMs + performance.now())

  /** Epoch seconds, as tokens, cookies and webhook signatures count. */
  seconds (): number {
    return Math.floor(this.now() / 1000)
  }

  /** The calendar day, YYYY-MM-DD (UTC), `daysAgo` days before now. */
  day (daysAgo = 0): string {
    return new Date(this.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)
  }

  advance (ms: number): void {
    this.#offsetMs += ms
  }
}

/** Sandbox options that put it on the test calendar: its seeded year and its clock. */
export function onTestCalendar (clock: TestClock = new TestClock()): { seedEndDate: string, now: () => number } {
  return { seedEndDate: SEED_END_DATE, now: clock.now }
}
