// Every operation of the contract, called with a valid request, answers what the contract says:
// JSON bodies validate against its schemas, Parquet decodes to its columns.
import t from 'tap'
import type { Test } from 'tap'
import { startSandbox } from '../index.ts'
import { onTestCalendar } from '../../test/calendar.ts'
import { clientOf, conformance, operations, parquetCodecs, parquetColumns, parquetRows, redirectUri, seedEndDate, userNamed } from './sandbox-client.ts'
import type { Answer, CallOptions } from './sandbox-client.ts'

const sandbox = await startSandbox({ ...onTestCalendar(), uploadProcessingDelayMs: 20, backfillIntervalMs: 10, backfillUpdates: 3 })
t.teardown(sandbox.close)
const ss = clientOf(sandbox)
const alice = userNamed('Alice Anderson')
const coach = userNamed('Coach Carter')
const { managedUsers, teams } = sandbox.sandbox.directory()
const dana = managedUsers[0]?.id ?? ''
const teamId = teams[0]?.id ?? ''

const workout = {
  swf: {
    title: 'Threshold intervals',
    sport: 'running',
    content: [
      { type: 'section', phase: 'warmup', content: [{ type: 'step', effort: 'work', volume: { type: 'constant', quantity: 'duration', value: 600 }, intensity: { type: 'range', quantity: 'speed', min: 2.8, max: 3.1 } }] },
      { type: 'repeat', count: 4, content: [{ type: 'step', effort: 'work', volume: { type: 'constant', quantity: 'distance', value: 1000 }, intensity: { type: 'constant', quantity: 'speed', value: 4.2 } }, { type: 'step', effort: 'rest', volume: { type: 'constant', quantity: 'duration', value: 90 } }] },
    ],
  },
  start: '2026-05-21T07:00:00',
}

/** Calls every operation as `token`'s user; returns the operation ids that conformed. */
async function callEverything (t: Test, token: string, label: string): Promise<Set<string>> {
  const covered = new Set<string>()
  async function check (method: string, path: string, options: CallOptions = {}, expected = 200): Promise<Answer> {
    const answer = await ss.call(method, path, { token, ...options })
    const { operationId, problems } = conformance(method, path, answer)
    t.equal(answer.status, expected, `${label} ${operationId}: status`, { body: answer.body })
    t.same(problems, [], `${label} ${operationId}: conforms to the contract`)
    if (answer.status === expected && problems.length === 0) covered.add(operationId)
    return answer
  }
  async function parquet (path: string, query: CallOptions['query'], columns: string[]): Promise<Array<Record<string, unknown>>> {
    const answer = await check('GET', path, { query })
    t.equal(answer.contentType, 'application/vnd.apache.parquet', `${path}: Parquet`)
    t.same(parquetColumns(answer.bytes), columns, `${path}: columns`)
    t.same(parquetCodecs(answer.bytes).filter(Boolean), ['SNAPPY'], `${path}: snappy`)
    return parquetRows(answer.bytes)
  }

  const list = await check('GET', '/api/v1/activities/', { query: { limit: 5 } })
  const cycling = (await check('GET', '/api/v1/activities/latest', { query: { sport: 'cycling' } })).body
  await check('GET', `/api/v1/activities/${list.body[0].id}`)
  const rows = await parquet(`/api/v1/activities/${cycling.id}/data`, { metrics: ['power', 'heart_rate', 'latitude'] }, ['timestamp', 'timestamp_local', 'power', 'heart_rate', 'latitude'])
  t.ok(rows[0]?.timestamp instanceof Date, 'timestamp is a Parquet TIMESTAMP')
  await parquet(`/api/v1/activities/${cycling.id}/mean-max`, { metric: 'power', durations: '5,60,300' }, ['duration', 'power', 'start'])
  await parquet(`/api/v1/activities/${cycling.id}/accumulated-work-duration`, { metric: 'power' }, ['power', 'duration'])
  const from = '2026-04-01'
  await parquet('/api/v1/activities/longitudinal-data', { sport: 'cycling', start: '2026-05-01', end: seedEndDate }, ['timestamp', 'timestamp_local', 'activity_id', 'sport', 'duration', 'power', 'heart_rate', 'speed'])
  await parquet('/api/v1/activities/longitudinal-mean-max', { sport: 'cycling', metric: 'power', start: from, end: seedEndDate, after: [0, 500] }, ['duration', 'power', 'start', 'activity_id', 'sport', 'after'])
  await parquet('/api/v1/activities/longitudinal-accumulated-work-duration', { sport: 'cycling', metric: 'power', start: from, end: seedEndDate }, ['power', 'duration'])

  const form = new FormData()
  form.append('files', new Blob(['timestamp,sport,power\n2026-05-17T08:00:00Z,cycling.road,200\n']), 'ride.csv')
  const upload = await check('POST', '/api/v1/activities/upload', { multipart: form })
  t.match(upload.body.sources, [{ status: 'processing', origin: 'manual_upload', type: 'csv', filename: 'ride.csv', activity_ids: [] }])
  const backfill = await check('GET', '/api/v1/activities/backfill-status')
  t.equal(new TextDecoder().decode(backfill.bytes).trim().split('\n').length, 3, 'backfill lines')

  await check('PUT', `/api/v1/activities/${cycling.id}/app-metadata`, { json: { analysed: true } })
  await check('DELETE', `/api/v1/activities/${cycling.id}/app-metadata`, {}, 204)

  const tests = await check('GET', '/api/v1/tests/', { query: { limit: 10 } })
  const seededTest = tests.body.find((test: { created_by: string | null }) => test.created_by === null)
  await check('GET', `/api/v1/tests/${seededTest.id}`, { query: { traces: 'auto' } })
  const created = await check('POST', '/api/v1/tests/', { json: { title: 'Lactate step test', sport: 'cycling', start: '2026-05-10T15:30:00Z', results: { first_threshold: { power: 215, heart_rate: 148, lactate: 1.9 }, heart_rate_max: 188 }, tags: ['lab'] } })
  await check('PUT', `/api/v1/tests/${created.body.id}`, { json: { title: 'Renamed', sport: 'cycling', start: '2026-05-10T15:30:00+02:00', end: '2026-05-10T16:30:00+02:00' } })
  await check('PUT', `/api/v1/tests/${created.body.id}/app-metadata`, { json: { note: 'x' } })
  await check('DELETE', `/api/v1/tests/${created.body.id}/app-metadata`, {}, 204)

  await check('GET', '/api/v1/traces/', { query: { limit: 10 } })
  const trace = await check('POST', '/api/v1/traces/', { json: { timestamp: '2026-05-10T16:10:00Z', test_id: created.body.id, lactate: 2.4, rpe: 6, notes: 'End of step 4', power: 280, speed: null, heart_rate: 162, vo2: null, tags: ['step-test'], sport: 'cycling' } })
  await check('PUT', `/api/v1/traces/${trace.body.id}`, { json: { timestamp: '2026-05-10T16:12:00+02:00', lactate: 2.6 } })
  await check('PUT', `/api/v1/traces/${trace.body.id}/app-metadata`, { json: { checked: 1 } })
  await check('DELETE', `/api/v1/traces/${trace.body.id}/app-metadata`, {}, 204)
  await check('DELETE', `/api/v1/traces/${trace.body.id}`)
  await check('DELETE', `/api/v1/tests/${created.body.id}`)

  await check('GET', '/api/v1/dailies/body_mass', { query: { start: '2026-05-01', end: seedEndDate, interpolate: true } })
  await check('POST', '/api/v1/dailies/body_mass', { json: { date: '2026-05-18', value: 61.2 } })
  await check('DELETE', '/api/v1/dailies/body_mass', { query: { date: '2026-05-18' } }, 204)

  await check('GET', '/api/v1/profile/status')
  await check('GET', '/api/v1/profile/sports/', { query: { only_root: true } })
  await check('GET', '/api/v1/profile/tags/')
  await check('PUT', '/api/v1/profile/app-metadata', { json: { theme: 'dark' } })
  await check('DELETE', '/api/v1/profile/app-metadata', {}, 204)
  await check('GET', '/api/v1/profile/intensity-duration-model', { query: { sport: 'cycling', metric: 'power' } })

  await check('GET', '/api/v1/teams/')
  await check('GET', '/api/v1/teams/authorized')
  await check('GET', '/api/v1/oauth/userinfo')
  await check('POST', '/api/v1/workouts/schedule', { json: workout })
  return covered
}

t.test('an athlete: every data operation conforms', async (t) => {
  const { access_token: token } = await ss.login(alice)
  const covered = await callEverything(t, token, 'athlete')
  const check = async (method: string, path: string, options: CallOptions = {}, expected = 200): Promise<void> => {
    const answer = await ss.call(method, path, { token, ...options })
    const { operationId, problems } = conformance(method, path, answer)
    t.equal(answer.status, expected, `${operationId}: status`)
    t.same(problems, [], `${operationId}: conforms`)
    if (problems.length === 0 && answer.status === expected) covered.add(operationId)
  }
  await check('POST', `/api/v1/teams/${teamId}/authorize`, { json: { scopes: ['data:read', 'data:write'] } })
  await check('GET', '/api/v1/users/')
  await check('POST', '/api/v1/portal/sessions', { json: { destination: 'manage-integrations', return_url: 'http://localhost:5173/settings' } })
  await check('GET', '/api/v1/oauth/principal-token')

  // The coach's own operations.
  const { access_token: coachToken } = await ss.login(coach)
  const asCoach = async (method: string, path: string, options: CallOptions = {}, expected = 200): Promise<Answer> => {
    const answer = await ss.call(method, path, { token: coachToken, ...options })
    const { operationId, problems } = conformance(method, path, answer)
    t.equal(answer.status, expected, `coach ${operationId}: status`, { body: answer.body })
    t.same(problems, [], `coach ${operationId}: conforms`)
    if (problems.length === 0 && answer.status === expected) covered.add(operationId)
    return answer
  }
  await asCoach('GET', `/api/v1/teams/${teamId}/users`)
  const managed = await asCoach('POST', '/api/v1/users/', { json: { first_name: 'Eve', last_name: null } })
  await asCoach('GET', `/api/v1/users/${dana}`)
  await asCoach('PUT', `/api/v1/users/${managed.body.id}`, { form: { last_name: 'Example' } })
  await asCoach('DELETE', `/api/v1/users/${managed.body.id}`, {}, 204)
  await asCoach('POST', '/api/v1/oauth/delegated-token', { json: { sub: alice } })

  // The two OAuth browser/form operations, once each.
  const authorize = await ss.call('GET', '/oauth/authorize', { query: { client_id: 'sandbox-client', redirect_uri: redirectUri, scope: 'data:read', response_type: 'code' } })
  t.equal(authorize.status, 200)
  t.same(conformance('GET', '/oauth/authorize', authorize).problems, [])
  covered.add('authorize')
  const login = await ss.login(alice)
  const refreshed = await ss.call('POST', '/api/v1/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: login.refresh_token, client_id: 'sandbox-client', client_secret: 'sandbox-secret' } })
  t.same(conformance('POST', '/api/v1/oauth/token', refreshed).problems, [])
  covered.add(conformance('POST', '/api/v1/oauth/token', refreshed).operationId)

  t.same(operations.map((operation) => operation.operationId).filter((id) => !covered.has(id)), [], 'every contract operation was called and conformed')
})

t.test('the coach with a delegated token acts fully as the athlete', async (t) => {
  const { access_token: coachToken } = await ss.login(coach)
  const delegated = await ss.call('POST', '/api/v1/oauth/delegated-token', { token: coachToken, json: { sub: alice, team_id: teamId } })
  t.equal(delegated.status, 200)
  t.same(conformance('POST', '/api/v1/oauth/delegated-token', delegated).problems, [])
  await callEverything(t, delegated.body.access_token, 'delegated')

  for (const [method, path, json] of [['GET', '/api/v1/users/', undefined], ['POST', '/api/v1/portal/sessions', { destination: 'manage-teams' }], ['GET', `/api/v1/users/${dana}`, undefined]] as const) {
    const answer = await ss.call(method, path, { token: delegated.body.access_token, ...(json === undefined ? {} : { json }) })
    t.equal(answer.status, 403, `${method} ${path} rejects delegated tokens`)
    t.same(answer.body, { detail: 'Delegated tokens are not accepted here' })
    t.same(conformance(method, path, answer).problems, [])
  }
})
