// The screens of a signed-in athlete: activities with filters and paging, one activity with its charts,
// dailies, and what an upstream failure looks like.
import { alice, browserTest, checkClean, signInThroughSandbox, startBrowserStack } from './helper.ts'
import { eventually } from '../../helper.ts'

browserTest('activities: sport and date filters, paging, and an empty state', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  const rows = page.getByTestId('activity-row')
  await rows.first().waitFor()
  const firstPage = await rows.allTextContents()

  await page.getByRole('link', { name: 'Older →' }).click()
  await page.getByTestId('page-info').filter({ hasText: 'Page 2 · activities 11–20' }).waitFor()
  t.equal(await rows.count(), 10, 'page two has ten more')
  t.notSame(await rows.allTextContents(), firstPage, 'and they are other activities')
  await page.getByRole('link', { name: '← Newer' }).click()
  await page.getByTestId('page-info').filter({ hasText: 'Page 1' }).waitFor()

  await page.getByLabel('Sport').selectOption('running')
  await page.waitForURL(url => url.hash === '#/?sport=running')
  // A read right after a change of address can still see the last list, or the loading note that replaces it.
  const sportsShown = () => rows.evaluateAll(elements => elements.map(element => element.getAttribute('data-sport')))
  const onlyRuns = (sports: Array<string | null>) => sports.length > 0 && sports.every(sport => sport?.startsWith('running'))
  // Waited for up to 15 s; then the assertion says what was on screen.
  await eventually('a list of runs', async () => onlyRuns(await sportsShown()), 15_000).catch(() => {})
  const sports = await sportsShown()
  t.ok(onlyRuns(sports), `only running: ${sports.join(', ')}`)

  // A date range: the last 30 days of running.
  const day = (daysAgo: number) => stack.clock.day(daysAgo)
  await page.goto(`${stack.frontendUrl}/#/?sport=running&start=${day(30)}&end=${day(0)}`)
  await eventually('the range drawn', async () => await page.getByLabel('From').inputValue() === day(30) && await page.getByTestId('loading').count() === 0 && await page.getByTestId('page-info').count() === 1, 15_000).catch(() => {})
  t.equal(await page.getByLabel('From').inputValue(), day(30), 'the filters show the range')
  const dates = await rows.evaluateAll(elements => elements.map(element => element.querySelector('td')?.textContent ?? ''))
  t.ok(dates.length > 0, `${dates.length} runs in the last 30 days`)
  await stack.screenshot('activities-filtered')

  await page.goto(`${stack.frontendUrl}/#/?start=1999-01-01&end=1999-12-31`)
  await page.getByTestId('empty').filter({ hasText: 'No activities match these filters.' }).waitFor()
  await page.getByRole('link', { name: 'Clear filters' }).first().click()
  await rows.first().waitFor()
  t.equal(await rows.count(), 10, 'cleared: all sports again')
  checkClean(t, stack)
})

browserTest('an activity: power, heart rate and speed over time from the JSON data, and the mean-max curve', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  // A road ride has all three streams.
  await page.goto(`${stack.frontendUrl}/#/?sport=cycling.road`)
  const row = page.getByTestId('activity-row').first()
  await row.waitFor()
  const name = await row.getByRole('link').textContent()
  await row.getByRole('link').click()
  await page.waitForURL(url => url.hash.startsWith('#/activities/'))
  t.equal(await page.getByTestId('activity-title').textContent(), name)

  await page.getByTestId('chart-power').waitFor()
  await page.getByTestId('chart-heart_rate').waitFor()
  await page.getByTestId('chart-speed').waitFor()
  const path = await page.getByTestId('chart-power').locator('path.line').getAttribute('d')
  t.ok((path ?? '').split('L').length > 100, 'the power line has hundreds of points')
  t.equal(await page.getByTestId('chart-power').getAttribute('role'), 'img')
  t.match(await page.getByTestId('chart-power').getAttribute('aria-label'), 'Power over time')

  await page.getByTestId('chart-mean-max').waitFor()
  t.ok(await page.getByTestId('chart-mean-max').locator('circle').count() > 5, 'the mean-max curve has its durations')
  t.match(await page.getByTestId('mean-max').textContent(), /Best 5 min\d+ W/)
  await page.getByTestId('loading').waitFor({ state: 'detached' })
  await stack.screenshot('activity')

  await page.getByRole('link', { name: '← All activities' }).click()
  await page.getByTestId('activity-row').first().waitFor()
  checkClean(t, stack)
})

browserTest('dailies: a chart per measure and period', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dailies' }).click()
  await page.getByTestId('chart-daily').waitFor()
  t.match(await page.getByTestId('dailies').textContent(), /Body mass \(kg\)/)
  t.ok(await page.getByTestId('chart-daily').locator('circle').count() > 10, 'body mass values of the last 90 days')
  t.equal(await page.getByRole('link', { name: 'Dailies' }).getAttribute('aria-current'), 'page')

  await page.getByLabel('Measure').selectOption('resting_hr')
  await page.getByTestId('dailies').filter({ hasText: 'Resting heart rate (bpm)' }).waitFor()
  await page.getByTestId('chart-daily').waitFor()
  await page.getByRole('button', { name: '30 days' }).click()
  await page.waitForURL(url => url.hash === '#/dailies?measure=resting_hr&days=30')
  // The 30-day chart itself: until it is drawn, the 90-day one (or a loading note) is still on screen.
  const chart30 = page.getByRole('img', { name: 'Resting heart rate over the last 30 days' })
  await chart30.locator('circle').first().waitFor()
  const dots = await chart30.locator('circle').count()
  t.ok(dots > 5 && dots <= 31, `at most one value a day over 30 days (${dots})`)
  t.equal(await page.getByRole('button', { name: '30 days' }).getAttribute('aria-pressed'), 'true')
  await stack.screenshot('dailies')
  checkClean(t, stack)
})

browserTest('an upstream failure is a clear message with Try again, and the session survives it', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  await page.getByTestId('activity-row').first().waitFor()
  await stack.control('faults', { path: '/api/v1/activities/', status: 500, times: 1 })
  await page.reload()
  const message = page.getByTestId('message-upstream')
  await message.waitFor()
  t.match(await message.textContent(), /SweatStack ran into a problem\..*please try again.*\(request [\w-]+\)/)
  t.equal(await message.getAttribute('role'), 'alert')
  t.equal(await page.getByTestId('user-name').textContent(), 'Alice Anderson', 'still signed in')
  await stack.screenshot('upstream-error')
  await message.getByRole('button', { name: 'Try again' }).click()
  await page.getByTestId('activity-row').first().waitFor()
  t.equal(await message.count(), 0, 'the message is gone once it worked')
  checkClean(t, stack)
})
