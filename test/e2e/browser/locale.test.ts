// Dates and times follow the browser's locale, as its date inputs do: formatted in one place
// (examples/frontend/src/format.ts), with no locale written into the app.
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import tap from 'tap'
import type { Page } from 'playwright-core'
import { DATE_OPTIONS, TIME_OPTIONS } from '../../../examples/frontend/src/format.ts'
import { alice, browserTest, checkClean, signInThroughSandbox, startBrowserStack } from './helper.ts'

const SOURCES = path.join(import.meta.dirname, '..', '..', '..', 'examples', 'frontend', 'src')

/** The first activity as the BFF gives it, and how the first row of the table shows it. */
async function firstActivity (page: Page, bffUrl: string): Promise<{ startLocal: string, date: string, time: string }> {
  const startLocal = await page.evaluate(async bff => {
    const answer = await fetch(`${bff}/api/v1/activities/?limit=1`, { credentials: 'include', headers: { 'X-CSRF': '1' } })
    return ((await answer.json()) as Array<{ start_local: string }>)[0]?.start_local ?? ''
  }, bffUrl)
  const row = page.getByTestId('activity-row').first()
  return { startLocal, date: await row.locator('.date').textContent() ?? '', time: await row.locator('.sub').first().textContent() ?? '' }
}

for (const locale of ['en-US', 'de-DE']) {
  browserTest(`in a ${locale} browser the activities table shows dates and times the ${locale} way`, async t => {
    const stack = await startBrowserStack(t, { browser: { locale } })
    const { page } = stack
    await signInThroughSandbox(stack, alice)
    await page.getByTestId('activity-row').first().waitFor()
    const shown = await firstActivity(page, stack.bffUrl)
    const expected = await page.evaluate(({ locale, startLocal, dateOptions, timeOptions }) => ({
      date: new Intl.DateTimeFormat(locale, dateOptions).format(new Date(`${startLocal.slice(0, 10)}T12:00:00`)),
      time: new Intl.DateTimeFormat(locale, timeOptions).format(new Date(startLocal.slice(0, 19))),
      language: navigator.language,
    }), { locale, startLocal: shown.startLocal, dateOptions: DATE_OPTIONS, timeOptions: TIME_OPTIONS })
    t.equal(expected.language, locale, 'the browser speaks the locale')
    t.equal(shown.date, expected.date, `the date of ${shown.startLocal}`)
    t.equal(shown.time, expected.time, 'and its time')
    await stack.screenshot(`activities-${locale}`)
    checkClean(t, stack)
  })
}

tap.test('no locale is written into the frontend, and dates are formatted only in format.ts', async t => {
  const files = (await readdir(SOURCES, { recursive: true })).filter(file => file.endsWith('.ts'))
  t.ok(files.includes('format.ts'))
  for (const file of files) {
    const text = await readFile(path.join(SOURCES, file), 'utf8')
    t.notMatch(text, /['"`][a-z]{2}-[A-Z]{2}['"`]/, `${file}: no locale such as 'en-GB'`)
    if (file !== 'format.ts') t.notMatch(text, /Intl\.DateTimeFormat|toLocale(Date|Time)?String/, `${file}: formats no date itself`)
  }
})
