// Sign-out ends the session on the server: a copy of the cookie taken before is refused afterwards, "sign
// out everywhere" ends every session of the user, and open event streams of an ended session close.
// (Across replicas and a Redis restart: test/replicas.test.ts.)
import t from 'tap'
import { Browser, FRONTEND, coach, signIn, startStack } from '../helper.ts'
import type { Stack } from '../helper.ts'
import { openEventStream } from '../sse-client.ts'

const post = (browser: Browser, url: string) => browser.request({ method: 'POST', url, headers: { 'x-csrf': '1', origin: FRONTEND } })

/** A request carrying exactly this cookie header, as an attacker replaying a stolen copy would send it. */
const replay = (stack: Stack, cookie: string, url = '/api/v1/activities/?limit=1') => stack.app.inject({ url, headers: { cookie, 'x-csrf': '1' } })

t.test('a copy of the cookie taken before sign-out is refused afterwards', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const stolen = browser.cookieHeader('/')
  t.equal((await replay(stack, stolen)).statusCode, 200, 'the copy works while the session lives')
  const other = new Browser(stack.app)
  await signIn(other)

  t.equal((await post(browser, '/auth/sweatstack/logout')).statusCode, 204)
  for (const url of ['/api/v1/activities/?limit=1', '/auth/sweatstack/user', '/api/v1/oauth/userinfo']) {
    const response = await replay(stack, stolen, url)
    t.equal(response.statusCode, 401, `${url}: 401`)
    t.match(response.json(), { code: 'session_expired', detail: /signed out/ })
  }
  t.equal((await other.api('/api/v1/activities/?limit=1')).statusCode, 200, 'the same user\'s other session lives on')
  t.equal((await replay(stack, stolen, '/auth/sweatstack/select-self')).statusCode, 404, 'select-self is POST-only (and refused below)')
  t.equal((await stack.app.inject({ method: 'POST', url: '/auth/sweatstack/select-self', headers: { cookie: stolen, 'x-csrf': '1', origin: FRONTEND } })).statusCode, 401)
  t.match(stack.logs.join(''), /signed out/)
})

t.test('sign out everywhere ends every session of the user, and only theirs', async t => {
  const stack = await startStack(t)
  const laptop = new Browser(stack.app)
  await signIn(laptop)
  const phone = new Browser(stack.app)
  await signIn(phone)
  const stolen = laptop.cookieHeader('/')
  const someoneElse = new Browser(stack.app)
  await signIn(someoneElse, coach.id)

  t.equal((await post(phone, '/auth/sweatstack/logout-everywhere')).statusCode, 204)
  t.equal((await phone.api('/api/v1/activities/?limit=1')).statusCode, 401, 'this browser')
  t.equal((await laptop.api('/api/v1/activities/?limit=1')).statusCode, 401, 'the other browser')
  t.equal((await replay(stack, stolen)).statusCode, 401, 'a stolen copy')
  t.equal((await someoneElse.api('/auth/sweatstack/user')).statusCode, 200, 'another user is untouched')

  stack.clock.advance(1)
  const again = new Browser(stack.app)
  await signIn(again)
  t.equal((await again.api('/api/v1/activities/?limit=1')).statusCode, 200, 'signing in afterwards works')
  t.equal((await stack.app.inject({ method: 'POST', url: '/auth/sweatstack/logout-everywhere', headers: { 'x-csrf': '1', origin: FRONTEND } })).statusCode, 401, 'needs a session')
})

t.test('open event streams of an ended session close; at most five per session', async t => {
  const stack = await startStack(t)
  await stack.app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(stack.app.server.address() as { port: number }).port}/api/v1/events`
  const browser = new Browser(stack.app)
  await signIn(browser)
  const open = () => openEventStream(url, { cookie: browser.cookieHeader('/api/v1/events'), origin: FRONTEND })

  const streams = []
  for (let i = 0; i < 6; i++) streams.push(await open())
  const [oldest] = await streams[0]!.waitFor(1)
  t.equal(oldest!.event, 'stream_closed')
  t.same(JSON.parse(oldest!.data), { reason: 'too_many_streams' }, 'the sixth stream closed the oldest')
  await streams[0]!.ended
  t.equal(stack.bff.events.listenerCount, 5)

  t.equal((await post(browser, '/auth/sweatstack/logout')).statusCode, 204)
  for (const stream of streams.slice(1)) {
    const [last] = await stream.waitFor(1)
    t.same([last!.event, JSON.parse(last!.data)], ['stream_closed', { reason: 'signed_out' }])
    await stream.ended
  }
  t.equal(stack.bff.events.listenerCount, 0, 'no stream left open')
  const reconnect = await open()
  t.equal(reconnect.status, 401, 'and EventSource\'s reconnection is refused')
  await reconnect.close()
})
