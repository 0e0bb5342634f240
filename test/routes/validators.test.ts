import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { APP_URL, FRONTEND, makeSessionKey } from '../helper.ts'

// Route validators are compiled on a route's first call (src/app.ts); this compiles every one of them
// at start, so a schema Ajv cannot compile fails here rather than on some route's first request.
const config = loadConfig({
  SWEATSTACK_CLIENT_ID: 'sandbox-client',
  SWEATSTACK_CLIENT_SECRET: 'sandbox-secret',
  SWEATSTACK_SESSION_SECRET: makeSessionKey(),
  SWEATSTACK_URL: 'http://127.0.0.1:9',
  APP_URL,
  FRONTEND_ORIGINS: FRONTEND,
  LOG_LEVEL: 'silent',
})

t.test('every route\'s validators compile', async t => {
  let routes = 0
  const app = await buildApp(config, { logger: false, eagerValidators: true, onRoute: () => { routes++ } })
  t.teardown(() => app.close())
  await app.ready()
  t.ok(routes > 100, `${routes} routes, every validator compiled`)
})

t.test('a route validates on its first call, and every call after', async t => {
  const app = await buildApp(config, { logger: false })
  t.teardown(() => app.close())
  await app.ready()
  for (let call = 0; call < 2; call++) {
    const response = await app.inject({ method: 'POST', url: '/auth/sweatstack/select-user/athlete-1?unknown=1', headers: { 'x-csrf': '1' } })
    t.equal(response.statusCode, 400, `call ${call + 1}: 400`)
    t.match(response.json(), { code: 'invalid_request', errors: [{ name: 'unknown' }] }, `call ${call + 1}: a problem naming the field`)
  }
})
