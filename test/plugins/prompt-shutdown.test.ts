import net from 'node:net'
import t from 'tap'
import { Agent, request } from 'undici'
import { bareFastify } from './bare.ts'

const closed = (socket: net.Socket) => new Promise<void>(resolve => socket.once('close', () => resolve()))

t.test('closing ends unused and idle connections at once, and waits for a request in flight', async t => {
  const app = await bareFastify(t, import('../../plugins/app/prompt-shutdown.ts'))
  let finish!: () => void
  const answer = new Promise<void>(resolve => { finish = resolve })
  let started!: () => void
  const inFlight = new Promise<void>(resolve => { started = resolve })
  app.get('/slow', async () => {
    started()
    await answer
    return { done: true }
  })
  app.get('/fast', async () => ({ done: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as net.AddressInfo
  const url = `http://127.0.0.1:${port}`

  // A connection opened ahead of time (as browsers and load balancers do) that never sends a byte.
  const preconnected = net.connect(port, '127.0.0.1')
  await new Promise(resolve => preconnected.once('connect', resolve))
  // A keep-alive connection that served a request and now idles (72 s keep-alive).
  const agent = new Agent({ keepAliveTimeout: 60_000 })
  t.teardown(() => agent.destroy())
  await (await request(`${url}/fast`, { dispatcher: agent })).body.dump()
  // And a request in flight on a connection of its own.
  const slow = request(`${url}/slow`, { dispatcher: new Agent() })
  await inFlight

  const closing = performance.now()
  const closedApp = app.close()
  await Promise.all([closed(preconnected)])
  const unusedMs = performance.now() - closing
  t.ok(unusedMs < 500, `the unused connection is ended at once (${unusedMs.toFixed(0)} ms)`)
  setTimeout(finish, 200)
  const response = await slow
  t.equal(response.statusCode, 200, 'the request in flight is answered, not cut')
  t.same(await response.body.json(), { done: true })
  await closedApp
  const tookMs = performance.now() - closing
  t.ok(tookMs < 1000, `the server closed as soon as that answer went out (${tookMs.toFixed(0)} ms)`)
})
