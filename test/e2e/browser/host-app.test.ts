// The example host app (examples/host-app) in Chromium: one origin serving the app's own page and API,
// with sweatstack-bff under /bff. Sign in through the sandbox's page, the page shows the BFF's data and
// the app's own summary (which calls SweatStack with request.sweatstack.accessToken()), sign out.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { startSandbox } from '@sweatstack-bff/sandbox'
import { buildHostApp } from '../../../examples/host-app/app.ts'
import sweatstackBff from '../../../src/plugin.ts'
import { TestClock, onTestCalendar } from '../../calendar.ts'
import { freePort, makeSessionKey } from '../../helper.ts'
import { SCREENSHOTS, alice, browserTest, launch } from './helper.ts'

browserTest('the example host app: sign in under /bff, the page shows the BFF\'s data and the app\'s own, sign out', async t => {
  const clock = new TestClock()
  const sandbox = await startSandbox(onTestCalendar(clock))
  const port = await freePort()
  const appUrl = `http://localhost:${port}`
  const app = await buildHostApp(sweatstackBff, {
    sweatstackUrl: sandbox.url,
    bff: { clientId: 'sandbox-client', clientSecret: 'sandbox-secret', sessionSecret: makeSessionKey(), appUrl, sweatstackUrl: sandbox.url, now: clock.now, loadSheddingEventLoopDelayMs: 0 },
  })
  await app.listen({ port, host: '127.0.0.1' })
  const offLoopback: string[] = []
  const pageErrors: string[] = []
  const { context, page } = await launch(clock, offLoopback, pageErrors)
  t.teardown(async () => {
    await context.close().catch(() => {})
    await app.close()
    await sandbox.close()
  })
  const screenshot = async (name: string) => {
    await mkdir(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' })
  }

  await page.goto(`${appUrl}/`)
  await page.getByTestId('status').filter({ hasText: 'Not signed in' }).waitFor()
  t.equal(await page.getByTestId('sign-in').getAttribute('href'), '/bff/auth/sweatstack/login?next=/', 'sign-in is the BFF\'s, on the same origin')
  await screenshot('host-app-signed-out')

  await page.getByTestId('sign-in').click()
  await page.waitForURL(url => url.origin === sandbox.url)
  await page.getByRole('button', { name: `Sign in as ${alice.givenName}` }).click()
  await page.waitForURL(url => url.origin === appUrl)
  t.equal(page.url(), `${appUrl}/`, 'back on the app\'s page')
  await page.getByTestId('status').filter({ hasText: `Signed in as ${alice.name}` }).waitFor()
  await page.getByTestId('activity').first().waitFor()
  t.equal(await page.getByTestId('activity').count(), 5, 'five activities through /bff/api/v1/activities/')
  await page.getByTestId('summary').filter({ hasText: 'activities in your latest 50' }).waitFor()
  t.match(await page.getByTestId('summary').textContent(), /^50 activities in your latest 50: /, 'the app\'s own route called SweatStack for the user')
  await screenshot('host-app-signed-in')

  const cookies = await context.cookies(appUrl)
  const session = cookies.find(cookie => cookie.name === 'sweatstack_session')
  t.ok(session?.httpOnly, 'the session is an HttpOnly cookie of the app\'s origin')
  t.equal(session?.path, '/', 'for the whole app, so its own routes get it')
  t.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read it')

  await page.getByTestId('sign-out').click()
  await page.getByTestId('status').filter({ hasText: 'Not signed in' }).waitFor()
  t.equal(await page.getByTestId('signed-in').isVisible(), false)
  t.same(pageErrors, [], 'no errors thrown in the page')
  t.same(offLoopback, [], 'the browser contacted nothing but loopback')
})
