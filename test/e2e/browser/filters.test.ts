// Bad filters in the address: every parameter the activities and dailies read from the hash, times bad
// values, ends with data on screen, the bad parameter gone from the hash and the good ones kept; and a
// filter the BFF refuses (400/422 naming it) offers to clear it, where "Try again" would fail again.
import type { Page } from 'playwright-core'
import { ACTIVITY_PARAMS, DAILY_PARAMS } from '../../../examples/frontend/src/filters.ts'
import { alice, browserTest, checkClean, signInThroughSandbox, startBrowserStack } from './helper.ts'

/** Values that are wrong for every parameter: not a date, a date that does not exist, empty, an unknown sport. */
const BAD_VALUES = ['yesterday', '2026-13-45', '', 'curling', '-1']

interface Case { screen: string, params: Record<string, string>, bad: string[] }

/** For each parameter of a screen and each bad value: the screen's valid parameters, with that one bad. */
function casesFor (screen: string, names: readonly string[], valid: Record<string, string>): Case[] {
  return names.flatMap(name => BAD_VALUES.map(value => ({
    screen,
    params: Object.fromEntries(names.map(other => [other, other === name ? value : valid[other] ?? ''])),
    bad: [name],
  })))
}

function hashParams (page: Page): Record<string, string> {
  const query = new URL(page.url()).hash.split('?')[1] ?? ''
  return Object.fromEntries(new URLSearchParams(query))
}

browserTest('a bad filter in the address is left out with a message, and the screen shows data', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  const day = (daysAgo: number) => stack.clock.day(daysAgo)
  const valid: Record<string, string> = { sport: 'running', start: day(365), end: day(0), page: '2', measure: 'resting_hr', days: '30' }
  const cases: Case[] = [
    ...casesFor('#/', ACTIVITY_PARAMS, valid),
    ...casesFor('#/dailies', DAILY_PARAMS, valid),
    { screen: '#/', params: { sport: 'running', start: day(10), end: day(40) }, bad: ['end'] },
  ]
  t.ok(cases.length >= (ACTIVITY_PARAMS.length + DAILY_PARAMS.length) * BAD_VALUES.length, `${cases.length} cases`)

  let previousScreen = ''
  for (const [index, { screen, params, bad }] of cases.entries()) {
    const query = new URLSearchParams(params).toString()
    const name = `${screen}?${query}`
    if (screen !== previousScreen) {
      // A page load (the search changes), as when a link is opened ...
      await page.goto(`${stack.frontendUrl}/?case=${index}${screen}?${query}`)
    } else {
      // ... and, on the same screen, the address changed in the page, as when a link inside the app is followed.
      await page.evaluate(hash => { location.hash = hash }, `${screen}?${query}`)
    }
    previousScreen = screen
    // This case's message (a previous case's names another parameter or value).
    const message = page.getByTestId('message-filter-dropped').filter({ hasText: `Left out ${bad[0]} “${params[bad[0]!]}”` })
    await message.waitFor()
    for (const param of bad) t.match(await message.textContent(), `Left out ${param} “`, `${name}: the message names ${param}`)
    const data = screen === '#/dailies'
      ? page.getByTestId('chart-daily').or(page.getByTestId('empty'))
      : page.getByTestId('activity-row').first().or(page.getByTestId('empty'))
    await data.first().waitFor()
    const expected = Object.fromEntries(Object.entries(params).filter(([param]) => !bad.includes(param)))
    t.same(hashParams(page), expected, `${name}: the hash keeps only the good parameters`)
    t.equal(await page.locator('.message.error').count(), 0, `${name}: no error`)
    if (screen === '#/') t.equal(await page.getByTestId('empty').filter({ hasText: 'could not be loaded' }).count(), 0, `${name}: not an error's empty state`)
  }
  await stack.screenshot('filter-dropped')
  checkClean(t, stack)
})

browserTest('a filter SweatStack refuses (422 naming it) offers "Clear the filter", which shows data without it', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  await page.getByTestId('activity-row').first().waitFor()
  const start = stack.clock.day(400)
  // A valid date SweatStack refuses, e.g. older than it keeps: the app cannot know before asking.
  await stack.control('faults', { path: '/api/v1/activities/', status: 422, times: 1, body: { detail: [{ loc: ['query', 'start'], msg: 'start is too far in the past', type: 'value_error' }] } })
  await page.goto(`${stack.frontendUrl}/#/?sport=running&start=${start}`)
  const message = page.getByTestId('message-bad-filter')
  await message.waitFor()
  t.match(await message.textContent(), /The start filter was not accepted\..*too far in the past/)
  t.equal(await message.getByRole('button', { name: 'Try again' }).count(), 0, 'no "Try again": it would fail the same way')
  await stack.screenshot('filter-refused')
  await message.getByRole('button', { name: 'Clear the filter' }).click()
  await page.getByTestId('activity-row').first().waitFor()
  t.same(hashParams(page), { sport: 'running' }, 'start is gone, sport stays')
  t.equal(await message.count(), 0, 'the message is gone')
  checkClean(t, stack)
})
