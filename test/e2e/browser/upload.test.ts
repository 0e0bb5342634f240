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
  t.match(await page.getByTestId('messages').textContent(), 'Upload complete.')
  const sources = await fetch(`${stack.sandbox.url}/__sandbox/sources?userId=${alice.id}`).then(response => response.json()) as Array<{ filename: string }>
  t.same(sources.map(source => source.filename), ['morning-ride.fit'], 'SweatStack received the file, for Alice')
  await stack.screenshot('upload')

  // The live event: SweatStack's webhook reaches the BFF, which passes it to the page over /api/v1/events.
  await t.test('the live event: a "New activity" toast', async t => {
    const toast = page.getByTestId('toast').filter({ hasText: 'New activity' })
    await toast.waitFor({ timeout: 20_000 })
    t.match(await toast.textContent(), 'A new activity was added to your training.')
    await page.getByTestId('source-status').filter({ hasText: 'Processed' }).waitFor()
    t.match(await page.getByTestId('message-success').textContent(), 'SweatStack has read the file')
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

/** What one upload does: every file read, one unreadable (empty) file, the request refused, or a mix. */
type Outcome = 'read' | 'unreadable' | 'refused' | 'mixed'
/**
 * A de Bruijn sequence over the four outcomes: each of the 16 ordered pairs (one upload after another)
 * occurs once, so every outcome follows every other.
 */
const SEQUENCE: Outcome[] = ['read', 'read', 'unreadable', 'read', 'refused', 'read', 'mixed', 'unreadable', 'unreadable', 'refused', 'unreadable', 'mixed', 'refused', 'refused', 'mixed', 'mixed', 'read']

const goodFile = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: randomBytes(64 * 1024) })
const emptyFile = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) })

function filesFor (outcome: Outcome, step: number) {
  if (outcome === 'unreadable') return [emptyFile(`empty-${step}.fit`)]
  if (outcome === 'mixed') return [goodFile(`ride-${step}.fit`), emptyFile(`empty-${step}.fit`), goodFile(`run-${step}.fit`)]
  return [goodFile(`ride-${step}.fit`)]
}

browserTest('the banner tells the outcome of the latest upload, whatever came before: never success beside a failure', async t => {
  const pairs = new Set(SEQUENCE.slice(1).map((outcome, index) => `${SEQUENCE[index]}→${outcome}`))
  t.equal(pairs.size, 16, 'the sequence has every outcome after every outcome')
  // SweatStack reads each file in 50 ms here, not the stack's 300: seventeen uploads wait for it.
  const stack = await startBrowserStack(t, { sandbox: { uploadProcessingDelayMs: 50 } })
  const { page } = stack
  await signInThroughSandbox(stack, alice)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click()
  // Every moment a success banner is on screen beside a failed file, not only the end of each upload.
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { successBesideFailure: string[] }).successBesideFailure = [])
    new MutationObserver(() => {
      const success = document.querySelector('#messages .message.success')
      const failed = [...document.querySelectorAll('[data-testid="source-status"]')].some(status => status.textContent === 'Failed')
      if (success !== null && failed) seen.push(success.textContent ?? '')
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
  const statuses = page.getByTestId('source-status')
  const messages = page.getByTestId('messages')

  for (const [step, outcome] of SEQUENCE.entries()) {
    const label = `upload ${step + 1} (${outcome}, after ${SEQUENCE[step - 1] ?? 'none'})`
    if (outcome === 'refused') await stack.control('faults', { method: 'POST', path: '/api/v1/activities/upload', status: 500, times: 1 })
    const files = filesFor(outcome, step)
    await page.getByLabel('Choose .fit or .csv files').setInputFiles(files)
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    if (outcome === 'refused') {
      await messages.locator('.message.error').waitFor()
    } else {
      // Done once SweatStack has read or failed every file of this upload.
      await statuses.filter({ hasText: /^(Processed|Failed)$/ }).nth(files.length - 1).waitFor({ timeout: 20_000 })
      t.equal(await statuses.count(), files.length, `${label}: a row per file of this upload`)
    }
    const success = await messages.locator('.message.success').count()
    const errors = await messages.locator('.message.error').count()
    if (outcome === 'read') {
      t.ok(success === 1 && errors === 0, `${label}: a success banner, no error`)
    } else {
      t.ok(success === 0 && errors === 1, `${label}: an error banner, no success`)
    }
    if (outcome === 'mixed') t.match(await messages.textContent(), /could not read 1 of 3 files.*empty-\d+\.fit/, `${label}: it says which file failed`)
    if (step === 11) await stack.screenshot('upload-partly-failed')
  }
  t.same(await page.evaluate(() => (window as unknown as { successBesideFailure: string[] }).successBesideFailure), [], 'never a success banner beside a failed file')
  checkClean(t, stack)
})
