// Coach mode: a coach picks an athlete, sees their data, switches to another, and goes back.
import { alice, bob, browserTest, checkClean, coach, signInThroughSandbox, startBrowserStack } from './helper.ts'
import { sandboxUsers } from '@sweatstack-bff/sandbox'

browserTest('a coach switches between athletes with the picker and goes back to their own data', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await signInThroughSandbox(stack, coach)
  const picker = page.getByLabel('Viewing')
  await picker.waitFor()
  const options = await picker.locator('option').allTextContents()
  const athletes = sandboxUsers.filter(user => user.role === 'athlete').map(user => user.name)
  t.ok(athletes.every(name => options.includes(name)), `the picker lists every athlete of the team: ${options.join(', ')}`)
  t.notOk(options.includes(coach.name), 'but not the coach')
  t.equal(options[0], 'My own data')
  await page.getByTestId('empty').filter({ hasText: 'No activities yet.' }).waitFor()
  t.equal(await page.getByTestId('coach-banner').isVisible(), false, 'no coach banner on your own data')

  await picker.selectOption({ label: alice.name })
  await page.getByTestId('selected-athlete').filter({ hasText: alice.name }).waitFor()
  t.match(await page.getByTestId('coach-banner').textContent(), `Coach mode: you are viewing ${alice.name}'s data.`)
  await page.getByTestId('activity-row').first().waitFor()
  t.match(await page.getByRole('heading', { level: 1 }).locator('..').textContent(), `${alice.name}'s training`)
  t.equal(await page.getByTestId('user-name').textContent(), coach.name, 'still signed in as the coach')
  const aliceRows = await page.getByTestId('activity-row').allTextContents()
  await stack.screenshot('coach-mode')

  await picker.selectOption({ label: bob.name })
  await page.getByTestId('selected-athlete').filter({ hasText: bob.name }).waitFor()
  await page.getByText(`${bob.name}'s training`).waitFor()
  await page.getByTestId('activity-row').first().waitFor()
  t.notSame(await page.getByTestId('activity-row').allTextContents(), aliceRows, 'Bob\'s activities, not Alice\'s')
  t.equal(await picker.inputValue(), bob.id)

  // A screen other than the list follows the selection too.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dailies' }).click()
  await page.getByText(`${bob.name}'s daily measures`).waitFor()
  await page.getByTestId('chart-daily').waitFor()

  await page.getByRole('button', { name: 'Back to my own data' }).click()
  await page.getByTestId('empty').filter({ hasText: 'No activities yet.' }).waitFor()
  t.equal(await page.getByTestId('coach-banner').isVisible(), false)
  t.equal(await picker.inputValue(), '')
  const user = await page.evaluate(async bff => (await fetch(`${bff}/auth/sweatstack/user`, { credentials: 'include', headers: { 'X-CSRF': '1' } })).json(), stack.bffUrl)
  t.equal(user.selectedUserId, null, 'the BFF agrees: no athlete selected')
  checkClean(t, stack)
})
