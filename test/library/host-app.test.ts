// The example host app (examples/host-app): its own page and API, the BFF under /bff, against the
// sandbox. The same app runs from the packed package in pack.test.ts and in Chromium in
// test/e2e/browser/host-app.test.ts.
import t from 'tap'
import { buildHostApp } from '../../examples/host-app/app.ts'
import sweatstackBff from '../../src/plugin.ts'
import { TestClock } from '../calendar.ts'
import { Browser, athlete, makeSessionKey, signIn, startTestSandbox } from '../helper.ts'
import { HOST_URL, PREFIX } from './helper.ts'

t.test('the example host app: its page, its own API calling SweatStack, and the BFF under /bff', async t => {
  const clock = new TestClock()
  const sandbox = await startTestSandbox(t, clock)
  const app = await buildHostApp(sweatstackBff, {
    sweatstackUrl: sandbox.url,
    bff: { clientId: 'sandbox-client', clientSecret: 'sandbox-secret', sessionSecret: makeSessionKey(), appUrl: HOST_URL, sweatstackUrl: sandbox.url, now: clock.now, loadSheddingEventLoopDelayMs: 0 },
  })
  t.teardown(() => app.close())

  const page = await app.inject({ url: '/' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  t.match(page.body, "fetch('/bff' + path")
  t.notOk(page.headers['content-security-policy'], 'the host\'s page, not the BFF\'s headers')

  const signedOut = await app.inject({ url: '/api/my-summary' })
  t.equal(signedOut.statusCode, 401)
  t.equal(signedOut.json().code, 'not_authenticated')

  const browser = new Browser(app)
  const back = await signIn(browser, athlete.id, `${HOST_URL}/`, PREFIX)
  t.equal(back.headers.location, `${HOST_URL}/`, 'back on the app\'s page')
  const me = await browser.api(`${PREFIX}/auth/sweatstack/user?optional=true`, { headers: { origin: HOST_URL } })
  t.equal(me.json().name, athlete.name)
  const activities = await browser.api(`${PREFIX}/api/v1/activities/?limit=5`, { headers: { origin: HOST_URL } })
  t.equal(activities.json().length, 5, 'the page\'s call to the BFF')
  const summary = await browser.request({ url: '/api/my-summary' })
  t.equal(summary.statusCode, 200)
  const body = summary.json()
  t.equal(body.userId, athlete.id)
  t.equal(body.activities, 50, 'the host\'s own call to SweatStack, with the user\'s token')
  t.equal(Object.values<number>(body.bySport).reduce((a, b) => a + b, 0), 50)
  t.equal(body.latest, activities.json()[0].start, 'the same latest activity as through the BFF')

  t.equal((await browser.api(`${PREFIX}/auth/sweatstack/logout`, { method: 'POST', headers: { origin: HOST_URL } })).statusCode, 204)
  t.equal((await browser.request({ url: '/api/my-summary' })).statusCode, 401, 'signed out everywhere in the app')
})
