import t from 'tap'
import { FRONTEND, startStack } from '../helper.ts'

t.test('a request from an origin not in FRONTEND_ORIGINS is refused by CORS and logged once, with the fix', async t => {
  const { app, logs } = await startStack(t)
  const foreign = 'http://127.0.0.1:5173'
  for (let i = 0; i < 3; i++) {
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/v1/activities/', headers: { origin: foreign, 'access-control-request-method': 'GET' } })
    t.equal(preflight.headers['access-control-allow-origin'], undefined, `preflight ${i + 1}: no CORS permission`)
  }
  const refusals = logs.filter(line => line.includes('Refused a browser request from'))
  t.equal(refusals.length, 1, 'logged once for this origin')
  t.match(refusals[0], /"level":40/, 'as a warning')
  t.match(refusals[0], 'add it (origins are exact', 'with the fix')
  t.match(refusals[0], foreign, 'naming the origin')

  const allowed = await app.inject({ method: 'OPTIONS', url: '/api/v1/activities/', headers: { origin: FRONTEND, 'access-control-request-method': 'GET' } })
  t.equal(allowed.headers['access-control-allow-origin'], FRONTEND, 'the configured frontend is let in')
  await app.inject({ method: 'GET', url: '/health', headers: { origin: 'http://evil.example' } })
  t.equal(logs.filter(line => line.includes('Refused a browser request from')).length, 2, 'another origin is logged on its own')
  t.equal(logs.filter(line => line.includes(`Refused a browser request from ${FRONTEND}`)).length, 0, 'never the allowed one')
})
