import t from 'tap'
import { Browser, FRONTEND, athlete, coach, signIn, startStack } from '../helper.ts'
import { sandboxUsers } from '@sweatstack-bff/sandbox'

const post = (browser: Browser, url: string) => browser.request({ method: 'POST', url, headers: { 'x-csrf': '1', origin: FRONTEND } })

t.test('a coach selects an athlete, reads their data, and goes back', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser, coach.id)
  t.equal((await browser.api('/api/v1/activities/latest')).body, 'null', 'the coach has no activities of their own')

  const selected = await post(browser, `/auth/sweatstack/select-user/${athlete.id}`)
  t.equal(selected.statusCode, 200)
  t.match(selected.json(), { userId: coach.id, selectedUserId: athlete.id, selectedName: athlete.name })
  t.match((await browser.api('/auth/sweatstack/user')).json(), { userId: coach.id, selectedUserId: athlete.id })

  const latest = await browser.api('/api/v1/activities/latest')
  t.equal(latest.statusCode, 200)
  t.not(latest.body, 'null', 'API calls now read the athlete\'s activities')
  t.equal((await browser.api('/api/v1/oauth/userinfo')).json().sub, athlete.id)

  const users = await browser.api('/api/v1/users/')
  t.equal(users.statusCode, 200, '/api/v1/users/ still uses the coach\'s own token (SweatStack refuses delegated ones there)')
  t.ok(users.json().some((user: { id: string }) => user.id === coach.id))

  const back = await post(browser, '/auth/sweatstack/select-self')
  t.equal(back.statusCode, 200)
  t.equal(back.json().selectedUserId, null)
  t.equal((await browser.api('/api/v1/activities/latest')).body, 'null')
})

t.test('selecting someone who does not share with you is SweatStack\'s 403, and changes nothing', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id)
  const other = sandboxUsers.find(user => user.role === 'athlete' && user.id !== athlete.id)!
  const refused = await post(browser, `/auth/sweatstack/select-user/${other.id}`)
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { code: 'forbidden', detail: /access/ })
  t.equal((await browser.api('/auth/sweatstack/user')).json().selectedUserId, null)

  const unknown = await post(browser, '/auth/sweatstack/select-user/01HZZZZZZZZZZZZZZZZZZZZZZZ')
  t.equal(unknown.statusCode, 404)
  const bad = await post(browser, '/auth/sweatstack/select-user/not%20an%20id')
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].name, 'userId')
})

t.test('selecting needs X-CSRF and a session', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  t.equal((await post(browser, `/auth/sweatstack/select-user/${athlete.id}`)).statusCode, 401)
  await signIn(browser, coach.id)
  const forged = await browser.request({ method: 'POST', url: `/auth/sweatstack/select-user/${athlete.id}`, headers: { origin: FRONTEND } })
  t.equal(forged.statusCode, 403)
})

t.test('the athlete\'s delegated token is refreshed on its own, and a revoked one only ends the selection', async t => {
  // Rotation gives each refresh a new refresh token, so the next refresh really reaches SweatStack.
  const stack = await startStack(t, { sandbox: { accessTokenTtlSeconds: 30, rotateRefreshTokens: true } })
  const browser = new Browser(stack.app)
  await signIn(browser, coach.id)
  await post(browser, `/auth/sweatstack/select-user/${athlete.id}`)
  const before = stack.sandbox.sandbox.stats().token.refresh_token
  t.equal((await browser.api('/api/v1/activities/?limit=1')).statusCode, 200)
  t.equal(stack.sandbox.sandbox.stats().token.refresh_token, before + 1, 'one refresh, of the athlete\'s token')

  stack.sandbox.sandbox.addFault({ path: '/api/v1/oauth/token', status: 400, body: { error: 'invalid_grant', detail: 'revoked' }, times: 1 })
  const ended = await browser.api('/api/v1/activities/?limit=1')
  t.equal(ended.statusCode, 403)
  t.equal(ended.json().code, 'selection_ended')
  const user = await browser.api('/auth/sweatstack/user')
  t.equal(user.statusCode, 200, 'the coach is still signed in')
  t.equal(user.json().selectedUserId, null)
})
