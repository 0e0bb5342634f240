// Session expiry: SweatStack refuses the refresh token, the BFF answers 401 session_expired, and the
// app is back on its sign-in screen with a message; signing in again works.
import { alice, browserTest, checkClean, signInThroughSandbox, startBrowserStack } from './helper.ts'

browserTest('an ended session leads back to sign-in with a message, and signing in again works', async t => {
  // 30-second access tokens, inside the BFF's 60 s refresh margin, and a new refresh token at every
  // refresh: every call refreshes at SweatStack, so a revoked refresh token shows at the next click. (A
  // one-second token could expire between its refresh and its use on a busy machine, and SweatStack
  // refusing a freshly refreshed token ends the session: that is not what this test is about.)
  const stack = await startBrowserStack(t, { sandbox: { accessTokenTtlSeconds: 30, rotateRefreshTokens: true } })
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  await page.getByTestId('activity-row').first().waitFor()

  await stack.control('revoke', { userId: alice.id })
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dailies' }).click()
  const message = page.getByTestId('message-session')
  await message.waitFor()
  t.match(await message.textContent(), 'Your session has ended. Please sign in again.')
  await page.getByTestId('sign-in').waitFor()
  t.equal(await page.getByTestId('user-name').count(), 0, 'no name: signed out')
  t.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false)
  await stack.screenshot('session-expired')

  // The sign-in button comes back to the screen the user was on.
  t.match(await page.getByTestId('sign-in').getAttribute('href'), encodeURIComponent('#/dailies'))
  await page.getByTestId('sign-in').click()
  await page.waitForURL(url => url.origin === stack.sandbox.url)
  await page.getByRole('button', { name: `Sign in as ${alice.givenName}` }).click()
  await page.getByTestId('user-name').filter({ hasText: alice.name }).waitFor()
  await page.getByTestId('chart-daily').waitFor()
  t.equal(new URL(page.url()).hash, '#/dailies', 'back where the session ended')
  checkClean(t, stack)
})
