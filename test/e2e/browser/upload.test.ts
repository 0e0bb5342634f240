// Upload of a .fit file with progress, and the live event it causes: SweatStack's webhook reaches the
// BFF, GET /api/v1/events passes it to the browser, and the app shows a "New activity" toast.
import { randomBytes } from 'node:crypto'
import { alice, browserTest, checkClean, signInThroughSandbox, startBrowserStack } from './helper.ts'

const fitFile = () => ({ name: 'morning-ride.fit', mimeType: 'application/octet-stream', buffer: randomBytes(3 * 1024 * 1024) })

browserTest('a .fit file uploads with progress, and its live event shows a "New activity" toast', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click()
  await page.getByLabel('Choose .fit or .csv files').setInputFiles(fitFile())
  await page.getByText('morning-ride.fit').waitFor()
  t.equal(await page.getByTestId('upload-progress').isVisible(), false, 'no progress before the upload')
  // Every progress value the bar shows.
  await page.evaluate(() => {
    const bar = document.querySelector('[data-testid="upload-progress"]')!
    const seen: string[] = ((window as unknown as { progress: string[] }).progress = [])
    new MutationObserver(() => seen.push(bar.getAttribute('aria-valuenow') ?? '')).observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] })
  })
  // Loopback is too fast to see progress: throttle uploads to 2 MB/s, as on a good mobile connection.
  const cdp = await stack.context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await page.getByText(/Uploading… [1-9]\d?%/).waitFor()
  await stack.screenshot('upload-progress')
  await page.getByTestId('source-status').first().waitFor()
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
  const progress = await page.evaluate(() => (window as unknown as { progress: string[] }).progress.map(Number))
  t.equal(progress.at(-1), 100, `the bar reached 100% (${progress.join(', ')})`)
  t.ok(progress.some(value => value > 0 && value < 100), 'and showed progress on the way')
  t.match(await page.getByTestId('upload-results').textContent(), /morning-ride\.fit/)
  t.match(await page.getByTestId('message-success').textContent(), 'Upload complete.')
  const sources = await fetch(`${stack.sandbox.url}/__sandbox/sources?userId=${alice.id}`).then(response => response.json()) as Array<{ filename: string }>
  t.same(sources.map(source => source.filename), ['morning-ride.fit'], 'SweatStack received the file, for Alice')
  await stack.screenshot('upload')

  // The live event: SweatStack's webhook reaches the BFF, which passes it to the page over /api/v1/events.
  await t.test('the live event: a "New activity" toast', async t => {
    const toast = page.getByTestId('toast').filter({ hasText: 'New activity' })
    await toast.waitFor({ timeout: 20_000 })
    t.match(await toast.textContent(), 'A new activity was added to your training.')
    await page.getByTestId('source-status').filter({ hasText: 'Processed' }).waitFor()
    await stack.screenshot('live-event')
    await toast.getByRole('link', { name: 'View' }).click()
    await page.waitForURL(url => url.hash.startsWith('#/activities/'))
    await page.getByTestId('activity-title').waitFor()
  })
  checkClean(t, stack)
})

browserTest('without data:write (the default scopes) Upload says how to ask for it instead of offering a form', async t => {
  const stack = await startBrowserStack(t, { env: { SWEATSTACK_SCOPES: 'data:read profile' } })
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click()
  const card = page.getByTestId('no-write-scope')
  await card.waitFor()
  t.match(await card.textContent(), /SWEATSTACK_SCOPES="data:read data:write profile"/)
  t.equal(await page.getByLabel('Choose .fit or .csv files').count(), 0, 'no upload form')
  await stack.screenshot('upload-needs-scope')
  checkClean(t, stack)
})
