// Every proxied SweatStack endpoint, through the BFF against the sandbox: status, content type and
// body shape (validated against the contract), and one bad input each.
import t from 'tap'
import { Browser, FRONTEND, athlete, coach, signIn, startStack } from '../helper.ts'
import { componentErrors, contractErrors } from '../contract-validator.ts'

interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url: string
  json?: unknown
  form?: Record<string, string>
  accept?: string
}

async function call (browser: Browser, request: Call) {
  const headers: Record<string, string> = { 'x-csrf': '1', origin: FRONTEND }
  let payload: string | undefined
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(request.json)
  } else if (request.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    payload = new URLSearchParams(request.form).toString()
  }
  if (request.accept !== undefined) headers.accept = request.accept
  return browser.request({ method: request.method ?? 'GET', url: request.url, headers, ...(payload === undefined ? {} : { payload }) })
}

t.test('every endpoint', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_SCOPES: 'data:read data:write profile', AUTH_RATE_LIMIT: '10000' } })
  const browser = new Browser(stack.app)
  await signIn(browser, athlete.id)
  const coachBrowser = new Browser(stack.app)
  await signIn(coachBrowser, coach.id)

  const ok = async (name: string, operationId: string | null, request: Call, status = 200, who = browser) => {
    const response = await call(who, request)
    t.equal(response.statusCode, status, `${name}: ${status}${response.statusCode >= 400 ? ` (${response.body.slice(0, 200)})` : ''}`)
    if (operationId !== null && status !== 204) {
      t.match(response.headers['content-type'], /^application\/json/, `${name}: JSON`)
      t.same(contractErrors(operationId, response.json()), [], `${name}: the contract's shape`)
    }
    return response
  }
  const bad = async (name: string, request: Call, status: number, field: string, who = browser) => {
    const response = await call(who, request)
    t.equal(response.statusCode, status, `${name}, bad input: ${status}`)
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    const problem = response.json()
    t.ok(problem.errors?.some((error: { name: string }) => error.name.split('.')[0] === field) || problem.detail.includes(field), `${name}, bad input names ${field}: ${problem.detail}`)
  }

  // Activities (the list, latest and one are in api.test.ts; data, upload in parquet/upload tests).
  const activities = (await ok('list activities', 'listActivities', { url: '/api/v1/activities/?limit=5' })).json()
  const activityId: string = activities[0].id
  await bad('list activities', { url: '/api/v1/activities/?start=tomorrow' }, 400, 'start')
  await ok('latest activity', 'getLatestActivity', { url: '/api/v1/activities/latest?sport=running' })
  await bad('latest activity', { url: '/api/v1/activities/latest?sport=Running!' }, 400, 'sport')
  await ok('one activity', 'getActivity', { url: `/api/v1/activities/${activityId}` })
  await bad('one activity', { url: `/api/v1/activities/${activityId}?fields=all` }, 400, 'fields')

  // SweatStack's metric names are an open set: an unknown one is SweatStack's 422, passed on.
  for (const [name, url, badUrl, badStatus, field] of [
    ['activity data', `/api/v1/activities/${activityId}/data?metrics=heart_rate`, `/api/v1/activities/${activityId}/data?segmentation_on=heart_rate`, 400, 'segmentation_on'],
    ['mean-max', `/api/v1/activities/${activityId}/mean-max?metric=power`, `/api/v1/activities/${activityId}/mean-max`, 400, 'metric'],
    ['accumulated work duration', `/api/v1/activities/${activityId}/accumulated-work-duration`, `/api/v1/activities/${activityId}/accumulated-work-duration?metric=pulse`, 422, 'metric'],
    ['longitudinal data', '/api/v1/activities/longitudinal-data?sport=running&start=2026-10-01&metrics=heart_rate', '/api/v1/activities/longitudinal-data?sport=running', 400, 'start'],
    ['longitudinal mean-max', '/api/v1/activities/longitudinal-mean-max?sport=cycling&metric=power&start=2026-06-01', '/api/v1/activities/longitudinal-mean-max?sport=cycling&metric=power&start=2026-06-01&after=a', 400, 'after'],
    ['longitudinal AWD', '/api/v1/activities/longitudinal-accumulated-work-duration?sport=cycling&metric=power&start=2026-06-01', '/api/v1/activities/longitudinal-accumulated-work-duration?sport=cycling&metric=power&start=June', 400, 'start'],
  ] as const) {
    const parquet = await call(browser, { url })
    t.equal(parquet.statusCode, 200, `${name}: 200 ${parquet.statusCode >= 400 ? parquet.body : ''}`)
    t.match(parquet.headers['content-type'], /^application\/vnd\.apache\.parquet/, `${name}: Parquet`)
    t.equal(parquet.rawPayload.subarray(0, 4).toString(), 'PAR1', `${name}: a Parquet file`)
    const json = await call(browser, { url, accept: 'application/json' })
    t.equal(json.statusCode, 200)
    t.match(json.json(), { columns: Object, rows: Number }, `${name}: JSON columns`)
    await bad(name, { url: badUrl }, badStatus, field)
  }

  const backfill = await call(browser, { url: '/api/v1/activities/backfill-status' })
  t.equal(backfill.statusCode, 200)
  t.match(backfill.headers['content-type'], /^application\/x-ndjson/)
  const lines = backfill.body.trim().split('\n').map(line => JSON.parse(line))
  t.ok(lines.length >= 2, `${lines.length} status lines`)
  for (const line of lines) t.same(componentErrors('BackfillStatus', line), [], 'each line a BackfillStatus')
  t.match(lines[0], { backfill_loaded_until: /^\d{4}-/ })
  await bad('backfill status', { url: '/api/v1/activities/backfill-status?follow=1' }, 400, 'follow')

  // App metadata on each kind of record.
  const traces = (await ok('list traces', 'listTraces', { url: '/api/v1/traces/?limit=5' })).json()
  const tests = (await ok('list tests', 'listTests', { url: '/api/v1/tests/?limit=5' })).json()
  for (const [name, base] of [['activity', `/api/v1/activities/${activityId}`], ['trace', `/api/v1/traces/${traces[0].id}`], ['test', `/api/v1/tests/${tests[0].id}`], ['profile', '/api/v1/profile']] as const) {
    await ok(`${name} app metadata`, `put${name[0]!.toUpperCase()}${name.slice(1)}AppMetadata`, { method: 'PUT', url: `${base}/app-metadata`, json: { colour: 'teal', level: 3 } })
    const limit = name === 'profile' ? 4096 : 1024
    const tooLarge = await call(browser, { method: 'PUT', url: `${base}/app-metadata`, json: { blob: 'x'.repeat(limit) } })
    t.equal(tooLarge.statusCode, 413, `${name} app metadata over ${limit} bytes: SweatStack's 413`)
    t.equal(tooLarge.json().code, 'payload_too_large')
    await bad(`${name} app metadata`, { method: 'PUT', url: `${base}/app-metadata`, json: ['not', 'an', 'object'] }, 400, 'body')
    await ok(`delete ${name} app metadata`, null, { method: 'DELETE', url: `${base}/app-metadata` }, 204)
  }
  const withMetadata = await call(browser, { method: 'PUT', url: `/api/v1/activities/${activityId}/app-metadata`, json: { seen: true } })
  t.equal(withMetadata.statusCode, 200)
  t.same((await call(browser, { url: `/api/v1/activities/${activityId}` })).json().app_metadata, { seen: true }, 'the metadata is on the activity')

  // Traces.
  const trace = { timestamp: '2026-11-01T09:30:00Z', lactate: 2.1, heart_rate: 152, power: 240, notes: 'steady', sport: 'cycling', tags: ['lab'] }
  const created = (await ok('create trace', 'createTrace', { method: 'POST', url: '/api/v1/traces/', json: trace })).json()
  await bad('create trace', { method: 'POST', url: '/api/v1/traces/', json: { ...trace, timestamp: undefined } }, 400, 'timestamp')
  await bad('create trace, naive time', { method: 'POST', url: '/api/v1/traces/', json: { ...trace, timestamp: '2026-11-01T09:30:00' } }, 400, 'timestamp')
  await ok('replace trace', 'replaceTrace', { method: 'PUT', url: `/api/v1/traces/${created.id}`, json: { ...trace, lactate: 2.4 } })
  await bad('replace trace', { method: 'PUT', url: `/api/v1/traces/${created.id}`, json: { ...trace, power: -5 } }, 400, 'power')
  const deleted = await call(browser, { method: 'DELETE', url: `/api/v1/traces/${created.id}` })
  t.ok(deleted.statusCode >= 200 && deleted.statusCode < 300, `delete trace: ${deleted.statusCode}`)
  const gone = await call(browser, { method: 'DELETE', url: `/api/v1/traces/${created.id}` })
  t.equal(gone.statusCode, 404, 'deleting it again: SweatStack\'s 404')
  await bad('list traces', { url: '/api/v1/traces/?limit=-1' }, 400, 'limit')

  // Tests.
  const test = { title: 'Ramp test', sport: 'cycling', start: '2026-11-02T08:00:00Z', results: { critical_power: 290, heart_rate_max: 186 }, tags: ['lab'] }
  const createdTest = (await ok('create test', 'createTest', { method: 'POST', url: '/api/v1/tests/', json: test })).json()
  await ok('one test', 'getTest', { url: `/api/v1/tests/${createdTest.id}?traces=linked` })
  await bad('one test', { url: `/api/v1/tests/${createdTest.id}?traces=all` }, 400, 'traces')
  await ok('replace test', 'replaceTest', { method: 'PUT', url: `/api/v1/tests/${createdTest.id}`, json: { ...test, title: 'Ramp test (retest)' } })
  await bad('replace test', { method: 'PUT', url: `/api/v1/tests/${createdTest.id}`, json: { ...test, sport: undefined } }, 400, 'sport')
  await ok('delete test', 'deleteTest', { method: 'DELETE', url: `/api/v1/tests/${createdTest.id}` })
  await bad('create test', { method: 'POST', url: '/api/v1/tests/', json: { ...test, results: { critical_power: 'high' } } }, 400, 'results')
  await bad('list tests', { url: '/api/v1/tests/?limit=51' }, 400, 'limit')

  // Dailies.
  await ok('list dailies', 'listDailies', { url: '/api/v1/dailies/body_mass?start=2026-10-01&end=2026-10-31&interpolate=true' })
  await bad('list dailies', { url: '/api/v1/dailies/body_mass?start=2026-10-01' }, 400, 'end')
  await ok('upsert daily', 'upsertDaily', { method: 'POST', url: '/api/v1/dailies/resting_hr', json: { date: '2026-11-20', value: 44 } })
  const outOfRange = await call(browser, { method: 'POST', url: '/api/v1/dailies/resting_hr', json: { date: '2026-11-20', value: 900 } })
  t.equal(outOfRange.statusCode, 422, 'a value out of range: SweatStack\'s 422')
  t.equal(outOfRange.json().code, 'upstream_validation_failed')
  await ok('delete daily', null, { method: 'DELETE', url: '/api/v1/dailies/resting_hr?date=2026-11-20' }, 204)
  await bad('delete daily', { method: 'DELETE', url: '/api/v1/dailies/resting_hr' }, 400, 'date')
  await bad('upsert daily', { method: 'POST', url: '/api/v1/dailies/resting_hr', json: { date: 'today', value: 44 } }, 400, 'date')

  // Profile.
  await ok('account status', 'getAccountStatus', { url: '/api/v1/profile/status' })
  await bad('account status', { url: '/api/v1/profile/status?verbose=true' }, 400, 'verbose')
  await ok('sports', 'listProfileSports', { url: '/api/v1/profile/sports/?only_root=true' })
  await bad('sports', { url: '/api/v1/profile/sports/?only_root=maybe' }, 400, 'only_root')
  await ok('tags', 'listProfileTags', { url: '/api/v1/profile/tags/' })
  await bad('tags', { url: '/api/v1/profile/tags/?limit=1' }, 400, 'limit')
  await ok('intensity-duration model', 'getIntensityDurationModel', { url: '/api/v1/profile/intensity-duration-model?sport=cycling&metric=power' })
  await bad('intensity-duration model', { url: '/api/v1/profile/intensity-duration-model?sport=Cycling!&metric=power' }, 400, 'sport')

  // Users (the coach's own token) and teams.
  const users = (await ok('list users', 'listUsers', { url: '/api/v1/users/?include_managed=true' }, 200, coachBrowser)).json()
  t.ok(users.some((user: { id: string }) => user.id === athlete.id), 'the coach sees the athletes who share with them')
  await bad('list users', { url: '/api/v1/users/?include_managed=perhaps' }, 400, 'include_managed', coachBrowser)
  const managed = (await ok('create managed user', 'createManagedUser', { method: 'POST', url: '/api/v1/users/', json: { first_name: 'Eve', last_name: 'Managed' } }, 200, coachBrowser)).json()
  await bad('create managed user', { method: 'POST', url: '/api/v1/users/', json: { last_name: 'Nobody' } }, 400, 'first_name', coachBrowser)
  await ok('one managed user', 'getManagedUser', { url: `/api/v1/users/${managed.id}` }, 200, coachBrowser)
  const renamed = await ok('update managed user', 'updateManagedUser', { method: 'PUT', url: `/api/v1/users/${managed.id}`, form: { first_name: 'Evelyn' } }, 200, coachBrowser)
  t.equal(renamed.json().first_name, 'Evelyn', 'a form body, as SweatStack takes it')
  t.equal(renamed.json().last_name, 'Managed', 'only the fields given change')
  await bad('update managed user', { method: 'PUT', url: `/api/v1/users/${managed.id}`, json: { first_name: 5 } }, 400, 'first_name', coachBrowser)
  const removed = await call(coachBrowser, { method: 'DELETE', url: `/api/v1/users/${managed.id}` })
  t.ok(removed.statusCode >= 200 && removed.statusCode < 300, `delete managed user: ${removed.statusCode}`)
  t.equal((await call(coachBrowser, { url: `/api/v1/users/${managed.id}` })).statusCode, 404)

  const teams = (await ok('list teams', 'listTeams', { url: '/api/v1/teams/' }, 200, coachBrowser)).json()
  await bad('list teams', { url: '/api/v1/teams/?owner=me' }, 400, 'owner', coachBrowser)
  await ok('team users', 'listTeamUsers', { url: `/api/v1/teams/${teams[0].id}/users` }, 200, coachBrowser)
  await bad('team users', { url: `/api/v1/teams/${teams[0].id}/users?role=owner` }, 400, 'role', coachBrowser)
  await ok('authorized teams', 'listAuthorizedTeams', { url: '/api/v1/teams/authorized' })
  await bad('authorized teams', { url: '/api/v1/teams/authorized?all=1' }, 400, 'all')
  await ok('authorize team', 'authorizeTeam', { method: 'POST', url: `/api/v1/teams/${teams[0].id}/authorize`, json: { scopes: ['data:read'] } })
  // Scopes and portal destinations are open sets in the contract: SweatStack's 422 is passed on.
  await bad('authorize team', { method: 'POST', url: `/api/v1/teams/${teams[0].id}/authorize`, json: { scopes: ['everything'] } }, 422, 'scopes')

  // OAuth user info, portal, workouts.
  await ok('user info', 'getUserInfo', { url: '/api/v1/oauth/userinfo' })
  await bad('user info', { url: '/api/v1/oauth/userinfo?fields=all' }, 400, 'fields')
  const portal = (await ok('portal session', 'createPortalSession', { method: 'POST', url: '/api/v1/portal/sessions', json: { destination: 'manage-integrations', return_url: `${FRONTEND}/settings` } })).json()
  t.match(portal.url, /^http:\/\/127\.0\.0\.1:\d+\/portal\//)
  const unregistered = await call(browser, { method: 'POST', url: '/api/v1/portal/sessions', json: { destination: 'manage-integrations', return_url: 'https://evil.example/' } })
  t.equal(unregistered.statusCode, 400, 'an unregistered return_url: SweatStack\'s 400 with its detail')
  t.match(unregistered.json().detail, /return_url/)
  await bad('portal session', { method: 'POST', url: '/api/v1/portal/sessions', json: { destination: 'manage-everything' } }, 422, 'destination')
  const workout = { start: '2026-12-05T07:00:00Z', swf: { version: '0.4.0', title: 'Easy run', sport: 'running', content: [{ type: 'step', effort: 'work', volume: { type: 'constant', quantity: 'duration', value: 1800 }, intensity: { type: 'range', quantity: 'speed', min: 2.8, max: 3.1 } }] } }
  await ok('schedule workout', 'scheduleWorkout', { method: 'POST', url: '/api/v1/workouts/schedule', json: workout })
  await bad('schedule workout', { method: 'POST', url: '/api/v1/workouts/schedule', json: { swf: workout.swf } }, 400, 'start')
})
