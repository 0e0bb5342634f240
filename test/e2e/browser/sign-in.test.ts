// Sign-in through the sandbox's real page, the signed-in home screen, sign-out, and sign-in failures.
import { alice, browserTest, checkClean, signInThroughSandbox, startBrowserStack } from './helper.ts'

browserTest('a user signs in through SweatStack\'s page, sees their name and activities, and signs out', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await page.goto(stack.frontendUrl + '/')
  await page.getByRole('heading', { name: 'Your training, from SweatStack' }).waitFor()
  t.equal(await page.getByTestId('sign-in').getAttribute('href'), `${stack.bffUrl}/auth/sweatstack/login?next=${encodeURIComponent(stack.frontendUrl + '/')}`, 'the button starts the BFF\'s sign-in and comes back here')
  await stack.screenshot('sign-in')

  await signInThroughSandbox(stack, alice, page, async () => {
    t.match(await page.textContent('body'), /data:read data:write profile/, 'the sandbox page shows the scopes the BFF asks for')
  })
  t.equal(page.url(), stack.frontendUrl + '/', 'back on the frontend, at the page that started the sign-in')
  t.equal(await page.getByTestId('user-name').textContent(), 'Alice Anderson')
  await page.getByTestId('activity-row').first().waitFor()
  t.equal(await page.getByTestId('activity-row').count(), 10, 'the first page of ten activities')
  t.match(await page.getByTestId('page-info').textContent(), 'Page 1 · activities 1–10')
  t.equal(await page.getByTestId('athlete-picker').count(), 0, 'an athlete has no athlete picker')
  await stack.screenshot('activities')

  const cookies = await stack.context.cookies(stack.bffUrl)
  t.ok(cookies.some(cookie => cookie.name === 'sweatstack_session' && cookie.httpOnly), 'the session is an HttpOnly cookie of the BFF')
  t.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read it')

  await page.getByTestId('sign-out').click()
  await page.getByTestId('message-signed-out').waitFor()
  await page.getByTestId('sign-in').waitFor()
  t.equal(await page.getByTestId('user-name').count(), 0)
  await stack.screenshot('signed-out')
  await page.reload()
  await page.getByTestId('sign-in').waitFor()
  t.equal(await page.getByTestId('user-name').count(), 0, 'still signed out after a reload')
  checkClean(t, stack)
})

browserTest('a declined sign-in and every auth_error come back as a clear message', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await page.goto(stack.frontendUrl + '/')
  await page.getByTestId('sign-in').click()
  await page.waitForURL(url => url.origin === stack.sandbox.url)
  await page.getByRole('button', { name: 'Deny' }).click()
  await page.waitForURL(url => url.origin === stack.frontendUrl)
  const message = page.getByTestId('message-auth-error')
  await message.waitFor()
  t.match(await message.textContent(), 'You declined to share your SweatStack data')
  t.equal(await message.getAttribute('role'), 'alert')
  t.equal(new URL(page.url()).search, '', 'the auth_error is taken out of the address bar')
  await page.getByTestId('sign-in').waitFor()
  await stack.screenshot('auth-error')

  const expected: Record<string, RegExp> = {
    invalid_state: /expired or was started in another browser/,
    missing_code: /came back incomplete/,
    token_exchange_failed: /SweatStack did not accept the sign-in/,
    sweatstack_unavailable: /SweatStack could not be reached/,
    session_too_large: /too large for a browser cookie/,
    something_new: /The sign-in failed \(something_new\)/,
  }
  for (const [code, text] of Object.entries(expected)) {
    await page.goto(`${stack.frontendUrl}/?auth_error=${code}`)
    t.match(await page.getByTestId('message-auth-error').textContent(), text, code)
  }
  checkClean(t, stack)
})

browserTest('with SweatStack reading prompt=none as OpenID Connect does, a first-time user still gets the sign-in page', async t => {
  const stack = await startBrowserStack(t, { sandbox: { promptNone: 'oidc' } })
  const { page } = stack
  const authorizations: string[] = []
  page.on('request', request => { if (request.method() === 'GET' && request.url().includes('/oauth/authorize')) authorizations.push(request.url()) })
  await signInThroughSandbox(stack, alice)
  t.equal(authorizations.length, 2, 'SweatStack was asked twice')
  t.equal(new URL(authorizations[0]!).searchParams.get('prompt'), 'none', 'first with prompt=none (answered login_required)')
  t.equal(new URL(authorizations[1]!).searchParams.get('prompt'), null, 'then without, and its page was shown')
  await page.getByTestId('activity-row').first().waitFor()
  t.equal(page.url(), stack.frontendUrl + '/', 'back where the sign-in started')
  checkClean(t, stack)
})
