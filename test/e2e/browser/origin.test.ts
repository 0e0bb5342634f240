// The browser reports a CORS refusal exactly like a dead server (a TypeError from fetch); the app tells
// them apart, and says what to do about each.
import { browserTest, checkClean, startBrowserStack } from './helper.ts'

browserTest('opened at an origin the BFF does not allow, the app names the origin and FRONTEND_ORIGINS, not a dead server', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  // The frontend's server listens on 127.0.0.1 too; FRONTEND_ORIGINS lists only http://localhost:PORT.
  const wrongOrigin = stack.frontendUrl.replace('//localhost:', '//127.0.0.1:')
  await page.goto(`${wrongOrigin}/#/dailies`)
  const message = page.getByTestId('message-origin-refused')
  await message.waitFor()
  const text = await message.textContent() ?? ''
  t.match(text, `does not accept requests from ${wrongOrigin}`, 'it names the page\'s origin')
  t.match(text, `Add ${wrongOrigin} to FRONTEND_ORIGINS`, 'and the fix on the BFF')
  t.notMatch(text, /cannot be reached/, 'not "cannot be reached"')
  t.equal(await page.getByTestId('message-bff-unreachable').count(), 0)
  t.equal(await message.getByTestId('allowed-address').getAttribute('href'), `${stack.frontendUrl}/#/dailies`, 'or the same screen where the BFF accepts the app')
  await stack.screenshot('origin-refused')

  await message.getByTestId('allowed-address').click()
  await page.waitForURL(url => url.origin === stack.frontendUrl)
  await page.getByTestId('sign-in').waitFor()
  t.equal(await page.getByTestId('messages').textContent(), '', 'at the allowed origin, no message')
  checkClean(t, stack)
})

browserTest('with the BFF down, the app says it cannot be reached and where it should be', async t => {
  const stack = await startBrowserStack(t)
  const { page } = stack
  await stack.app.close()
  await page.goto(stack.frontendUrl + '/')
  const message = page.getByTestId('message-bff-unreachable')
  await message.waitFor()
  t.match(await message.textContent(), `cannot be reached. Is the BFF running at ${stack.bffUrl}?`)
  t.equal(await page.getByTestId('message-origin-refused').count(), 0, 'not taken for a refused origin')
  t.equal(await message.getByRole('button', { name: 'Try again' }).count(), 1)
  await page.getByTestId('sign-in').waitFor()
  await stack.screenshot('bff-unreachable')
  checkClean(t, stack)
})
