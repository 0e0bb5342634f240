// Swagger UI at /docs as a way to use the API: it loads without a console error, offers no field for
// the HttpOnly cookie, signs in and comes back to /docs, says who is signed in, and "Try it out" works.
import type { Page } from 'playwright-core'
import { alice, browserTest, checkClean, startBrowserStack } from './helper.ts'
import type { BrowserStack } from './helper.ts'

/** Runs "Try it out" → "Execute" on an operation, with the query parameters given, and answers the status Swagger UI shows. */
async function tryItOut (page: Page, operation: string, query: Record<string, string> = {}): Promise<string> {
  const block = page.locator(`#operations-${operation}`)
  if (!await block.locator('.opblock-body').isVisible()) await block.locator('.opblock-summary-control').click()
  const tryButton = block.getByRole('button', { name: 'Try it out' })
  if (await tryButton.isVisible()) await tryButton.click()
  for (const [name, value] of Object.entries(query)) await block.locator(`tr[data-param-name="${name}"][data-param-in="query"] input`).fill(value)
  const status = block.locator('.live-responses-table .response .response-col_status')
  // An earlier answer stays on screen until cleared: clear it, so the status read is this call's.
  const clear = block.getByRole('button', { name: 'Clear' })
  if (await clear.isVisible()) {
    await clear.click()
    await status.waitFor({ state: 'detached' })
  }
  await block.getByRole('button', { name: 'Execute' }).click()
  await status.waitFor()
  return (await status.textContent())!.trim()
}

async function signInOnSandbox (stack: BrowserStack): Promise<void> {
  await stack.page.waitForURL(url => url.origin === stack.sandbox.url)
  await stack.page.getByRole('button', { name: `Sign in as ${alice.givenName}` }).click()
  await stack.page.waitForURL(url => url.href.startsWith(`${stack.bffUrl}/docs`))
  await stack.page.getByTestId('session-user').filter({ hasText: alice.name }).waitFor()
}

browserTest('/docs signs in, says who is signed in, and "Try it out" on the API works', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  const consoleErrors: string[] = []
  page.on('console', message => { if (message.type() === 'error') consoleErrors.push(message.text()) })

  await page.goto(`${stack.bffUrl}/docs`)
  await page.locator('#operations-activities-listActivities').waitFor()
  const signIn = page.getByTestId('session-bar').getByRole('link', { name: 'Sign in with SweatStack' })
  await signIn.waitFor()
  t.same(consoleErrors, [], '/docs loads with no console error (no CSP violation)')
  t.equal(await page.locator('.auth-wrapper .authorize').count(), 0, 'no Authorize dialog: nobody can type an HttpOnly cookie')
  t.equal(await tryItOut(page, 'activities-listActivities'), '401', 'not signed in yet')
  await stack.screenshot('docs-signed-out', { fullPage: false })

  await signIn.click()
  await signInOnSandbox(stack)
  t.equal(new URL(page.url()).pathname, '/docs', 'back on /docs after signing in')
  // Three activities, not the default 50: Swagger UI syntax-highlights the whole answer, at a cost in CPU.
  t.equal(await tryItOut(page, 'activities-listActivities', { limit: '3' }), '200', '"Try it out" on GET /api/v1/activities/ answers 200')
  t.match(await page.locator('#operations-activities-listActivities .request-url').textContent(), /\/api\/v1\/activities\/\?limit=3/, 'with the parameter typed in')
  t.match(await page.locator('#operations-activities-listActivities .live-responses-table .response .response-col_description').textContent(), /"id"/, 'with the activities')
  await page.locator('#operations-activities-listActivities').scrollIntoViewIfNeeded()
  await stack.screenshot('docs-signed-in', { fullPage: false })

  await page.getByTestId('session-bar').getByRole('button', { name: 'Sign out' }).click()
  await signIn.waitFor()
  t.equal(await tryItOut(page, 'activities-listActivities'), '401', 'signed out: the same call is refused')

  // "Try it out" on the sign-in operation itself navigates (a fetch cannot show SweatStack's page) and comes back here.
  await page.locator('#operations-auth-login .opblock-summary-control').click()
  await page.locator('#operations-auth-login').getByRole('button', { name: 'Try it out' }).click()
  consoleErrors.length = 0
  await page.locator('#operations-auth-login').getByRole('button', { name: 'Execute' }).click()
  await signInOnSandbox(stack)
  t.same(consoleErrors, [], 'signed in through "Try it out" with no console error (no failed fetch of a redirect)')
  checkClean(t, stack)
})
