// Behaviour and error cases of traces, tests, dailies, app metadata, users, teams, delegation,
// the Portal and workouts.
import { decodeJwt } from 'jose'
import t from 'tap'
import { startSandbox } from '../index.ts'
import { onTestCalendar } from '../../test/calendar.ts'
import { clientOf, userNamed } from './sandbox-client.ts'

const sandbox = await startSandbox({ ...onTestCalendar() })
t.teardown(sandbox.close)
const ss = clientOf(sandbox)
const alice = userNamed('Alice Anderson')
const bob = userNamed('Bob Berg')
const coach = userNamed('Coach Carter')
const { managedUsers, teams } = sandbox.sandbox.directory()
const dana = managedUsers[0]?.id ?? ''
const teamId = teams[0]?.id ?? ''
const { access_token: token } = await ss.login(alice)
const { access_token: coachToken } = await ss.login(coach)

t.test('seeded directory', async (t) => {
  t.match(managedUsers, [{ name: 'Dana Managed', managerId: coach }])
  t.match(teams, [{ name: 'Carter Endurance', ownerId: coach, authorizedBy: { [alice]: ['data:read'], [bob]: ['data:read'] } }])
  t.same((await ss.control('GET', '/directory')).body, sandbox.sandbox.directory())
})

t.test('scopes: reads need data:read, writes data:write', async (t) => {
  const readOnly = (await ss.login(alice, 'data:read')).access_token
  const writeOnly = (await ss.login(alice, 'data:write')).access_token
  const forbidden = { detail: 'Not enough permissions' }
  t.same((await ss.call('POST', '/api/v1/traces/', { token: readOnly, json: { timestamp: '2026-05-01T10:00:00Z' } })).body, forbidden)
  t.same((await ss.call('POST', '/api/v1/dailies/hrv', { token: readOnly, json: { date: '2026-05-01', value: 60 } })).body, forbidden)
  t.same((await ss.call('GET', '/api/v1/traces/', { token: writeOnly })).body, forbidden)
  t.same((await ss.call('GET', `/api/v1/users/${dana}`, { token: (await ss.login(coach, 'data:read')).access_token })).body, forbidden, 'users/{id} needs profile')
  const noToken = await ss.call('POST', '/api/v1/traces/', { json: { timestamp: 'not a time' } })
  t.equal(noToken.status, 401, '401 comes before body validation')
})

t.test('traces', async (t) => {
  const naive = await ss.call('POST', '/api/v1/traces/', { token, json: { timestamp: '2026-05-01T10:00:00', lactate: 2 } })
  t.equal(naive.status, 422)
  t.match(naive.body, { detail: [{ loc: ['body', 'timestamp'], type: 'timezone_aware' }] })
  t.match((await ss.call('POST', '/api/v1/traces/', { token, json: { lactate: 2 } })).body, { detail: [{ loc: ['body', 'timestamp'], type: 'missing' }] })
  t.same((await ss.call('POST', '/api/v1/traces/', { token, json: { timestamp: '2026-05-01T10:00:00Z', test_id: '01AAAAAAAAAAAAAAAAAAAAAAAA' } })).body, { detail: 'Test not found' })
  t.equal((await ss.call('POST', '/api/v1/traces/', { token, json: { timestamp: '2026-05-01T10:00:00Z', power: -1 } })).status, 422)

  const tests = (await ss.call('GET', '/api/v1/tests/', { token })).body
  const created = await ss.call('POST', '/api/v1/traces/', { token, json: { timestamp: '2026-05-01T10:00:00+02:00', test_id: tests[0].id, lactate: 1.8, rpe: 4, tags: ['morning'] } })
  t.match(created.body, { timestamp: '2026-05-01T08:00:00Z', timestamp_local: '2026-05-01T10:00:00', test_id: tests[0].id, test_match: 'explicit', test: { id: tests[0].id }, lactate: 1.8 })
  t.equal((await ss.call('PUT', `/api/v1/traces/${created.body.id}`, { token, json: { timestamp: '2026-05-01T08:00:00Z', notes: 'replaced' } })).status, 200)
  const listed = (await ss.call('GET', '/api/v1/traces/', { token, query: { start: '2026-05-01', end: '2026-05-01' } })).body
  t.match(listed, [{ id: created.body.id, notes: 'replaced', lactate: null, test_id: null, tags: null }], 'PUT replaces in full')
  t.same((await ss.call('PUT', '/api/v1/traces/01AAAAAAAAAAAAAAAAAAAAAAAA', { token, json: { timestamp: '2026-05-01T08:00:00Z' } })).body, { detail: 'Trace not found' })
  t.same((await ss.call('DELETE', `/api/v1/traces/${created.body.id}`, { token })).body, { message: 'Trace deleted' })
  t.equal((await ss.call('DELETE', `/api/v1/traces/${created.body.id}`, { token })).status, 404)

  const rpe = (await ss.call('GET', '/api/v1/traces/', { token, query: { tags: 'rpe', limit: 100 } })).body
  t.ok(rpe.length > 0 && rpe.every((trace: { tags: string[], activity: unknown }) => trace.tags.includes('rpe') && trace.activity !== null), 'RPE traces sit inside activities')
})

t.test('tests', async (t) => {
  t.match((await ss.call('GET', '/api/v1/tests/', { token, query: { limit: 51 } })).body, { detail: [{ loc: ['query', 'limit'], type: 'less_than_equal' }] })
  const list = (await ss.call('GET', '/api/v1/tests/', { token })).body as Array<{ id: string, title: string, created_by: string | null }>
  t.ok(list.length >= 4, 'seeded tests')
  const unlinked = list.find((test) => test.title.includes('unlinked'))
  const auto = (await ss.call('GET', `/api/v1/tests/${unlinked?.id}`, { token })).body
  const linked = (await ss.call('GET', `/api/v1/tests/${unlinked?.id}`, { token, query: { traces: 'linked' } })).body
  t.equal(auto.traces.length, 6, 'auto: traces in the time window')
  t.ok(auto.traces.every((trace: { test_match: string }) => trace.test_match === 'window'))
  t.same(linked.traces, [], 'linked: only explicitly linked traces')
  t.ok(auto.activities.length >= 1, 'overlapping activities')
  t.equal((await ss.call('GET', `/api/v1/tests/${unlinked?.id}`, { token, query: { traces: 'some' } })).status, 422)

  const created = (await ss.call('POST', '/api/v1/tests/', { token, json: { sport: 'running', start: '2026-05-02T09:00:00+02:00' } })).body
  t.match(created, { start: '2026-05-02T07:00:00Z', end: '2026-05-02T10:00:00Z', created_by: 'sandbox-client', end_local: '2026-05-02T12:00:00' }, 'end defaults to start + 3 h')
  t.match((await ss.call('POST', '/api/v1/tests/', { token, json: { sport: 'running', start: '2026-05-02T09:00:00' } })).body, { detail: [{ loc: ['body', 'start'] }] })
  t.same((await ss.call('PUT', `/api/v1/tests/${created.id}`, { token, json: { sport: 'running', start: '2026-05-02T07:00:00Z', title: 'Track test' } })).body, { message: 'Test updated' })
  t.match((await ss.call('GET', `/api/v1/tests/${created.id}`, { token })).body, { title: 'Track test', end: null, end_local: null }, 'PUT clears what it omits')
  const foreign = list.find((test) => test.created_by !== null && test.created_by !== 'sandbox-client')
  t.equal((await ss.call('PUT', `/api/v1/tests/${foreign?.id}`, { token, json: { sport: 'cycling', start: '2026-05-02T07:00:00Z' } })).status, 403, 'made by another app')
  t.equal((await ss.call('DELETE', `/api/v1/tests/${foreign?.id}`, { token })).status, 403)
  t.same((await ss.call('DELETE', `/api/v1/tests/${created.id}`, { token })).body, { message: 'Test deleted' })
  t.equal((await ss.call('GET', `/api/v1/tests/${created.id}`, { token })).status, 404)
  t.same((await ss.call('GET', '/api/v1/tests/', { token, query: { created_by: 'sandbox-client' } })).body, [])
})

t.test('dailies', async (t) => {
  const rows = (await ss.call('GET', '/api/v1/dailies/body_mass', { token, query: { start: '2026-03-01', end: '2026-03-31', interpolate: true } })).body as Array<{ date: string, value: number | null, status: string, source: string | null }>
  t.equal(rows.length, 31, 'one row per date, inclusive')
  t.same(rows.map((row) => row.date), Array.from({ length: 31 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`))
  t.ok(rows.some((row) => row.status === 'stored') && rows.some((row) => row.status === 'estimated'), 'body_mass is interpolated')
  t.ok(rows.every((row) => row.value !== null && (row.status === 'stored') === (row.source !== null)))
  const raw = (await ss.call('GET', '/api/v1/dailies/body_mass', { token, query: { start: '2026-03-01', end: '2026-03-31', interpolate: false } })).body as typeof rows
  t.ok(raw.some((row) => row.status === 'missing' && row.value === null), 'gaps without interpolation')
  const hrv = (await ss.call('GET', '/api/v1/dailies/hrv', { token, query: { start: '2025-06-01', end: '2026-05-18', interpolate: true } })).body as typeof rows
  t.ok(hrv.some((row) => row.status === 'missing') && !hrv.some((row) => row.status === 'estimated'), 'hrv is never interpolated')

  t.match((await ss.call('GET', '/api/v1/dailies/body_mass', { token, query: { start: '2026-03-01' } })).body, { detail: [{ loc: ['query', 'end'], type: 'missing' }] })
  t.equal((await ss.call('GET', '/api/v1/dailies/weight', { token, query: { start: '2026-03-01', end: '2026-03-02' } })).status, 422)
  t.match((await ss.call('POST', '/api/v1/dailies/resting_hr', { token, json: { date: '2026-05-18', value: 251 } })).body, { detail: [{ loc: ['body', 'value'], type: 'less_than_equal' }] })
  t.equal((await ss.call('POST', '/api/v1/dailies/sleep_duration', { token, json: { date: '2026-05-18', value: -1 } })).status, 422)
  t.same((await ss.call('POST', '/api/v1/dailies/sleep_altitude', { token, json: { date: '2026-05-10', value: 1800 } })).body, { date: '2026-05-10', value: 1800, status: 'stored', source: 'manual' })
  const filled = (await ss.call('GET', '/api/v1/dailies/sleep_altitude', { token, query: { start: '2026-05-09', end: '2026-05-12' } })).body as typeof rows
  t.same(filled.map((row) => [row.status, row.value]), [['estimated', 1800], ['stored', 1800], ['estimated', 1800], ['estimated', 1800]], 'sleep_altitude fills both ways')
  t.equal((await ss.call('DELETE', '/api/v1/dailies/sleep_altitude', { token, query: { date: '2026-05-10' } })).status, 204)
  t.same((await ss.call('DELETE', '/api/v1/dailies/sleep_altitude', { token, query: { date: '2026-05-10' } })).body, { detail: 'No value stored for that date' })
})

t.test('app metadata', async (t) => {
  const activity = (await ss.call('GET', '/api/v1/activities/latest', { token })).body
  const path = `/api/v1/activities/${activity.id}/app-metadata`
  t.equal((await ss.call('PUT', path, { token, json: { ftp_estimate: 287 } })).status, 200)
  t.same((await ss.call('GET', `/api/v1/activities/${activity.id}`, { token })).body.app_metadata, { ftp_estimate: 287 }, 'read back with the app token')
  t.same((await ss.call('GET', '/api/v1/activities/', { token, query: { limit: 1 } })).body[0].app_metadata, { ftp_estimate: 287 })
  t.equal((await ss.call('PUT', path, { token, json: { other: true } })).status, 200)
  t.same((await ss.call('GET', `/api/v1/activities/${activity.id}`, { token })).body.app_metadata, { other: true }, 'PUT replaces')
  t.equal((await ss.call('PUT', path, { token, json: [1, 2] })).status, 422, 'not an object')
  let deep: Record<string, unknown> = {}
  for (let i = 0; i < 32; i++) deep = { d: deep }
  t.equal((await ss.call('PUT', path, { token, json: deep })).status, 422, 'deeper than 32')
  const big = await ss.call('PUT', path, { token, json: { blob: 'x'.repeat(1100) } })
  t.equal(big.status, 413)
  t.same(big.body, { detail: 'app_metadata exceeds 1024 bytes' })
  t.equal((await ss.call('PUT', '/api/v1/profile/app-metadata', { token, json: { blob: 'x'.repeat(3000) } })).status, 200, 'the profile allows 4 KB')
  t.equal((await ss.call('PUT', '/api/v1/profile/app-metadata', { token, json: { blob: 'x'.repeat(4100) } })).status, 413)
  t.same((await ss.call('PUT', '/api/v1/traces/01AAAAAAAAAAAAAAAAAAAAAAAA/app-metadata', { token, json: {} })).body, { detail: 'Trace not found' })
  t.equal((await ss.call('DELETE', '/api/v1/tests/01AAAAAAAAAAAAAAAAAAAAAAAA/app-metadata', { token })).status, 404)
  t.equal((await ss.call('DELETE', path, { token })).status, 204)
  t.equal((await ss.call('GET', `/api/v1/activities/${activity.id}`, { token })).body.app_metadata, null)
})

t.test('users and teams', async (t) => {
  const users = (await ss.call('GET', '/api/v1/users/', { token: coachToken })).body as Array<{ id: string, scopes: string[], is_managed: boolean, display_name: string }>
  t.equal(users[0]?.id, coach, 'yourself first')
  t.match(users.find((user) => user.id === dana), { is_managed: true, display_name: 'Dana Managed' })
  t.match(users.find((user) => user.id === bob), { is_managed: false, scopes: ['data:read'] }, 'shared through the team')
  t.same((await ss.call('GET', '/api/v1/users/', { token: coachToken, query: { include_managed: false, include_shared: false } })).body.map((user: { id: string }) => user.id), [coach])
  t.equal((await ss.call('GET', '/api/v1/users/', { token: coachToken, query: { name: 'CHLO' } })).body.length, users.length, '`name` is ignored, as SweatStack has no such filter')
  t.same((await ss.call('GET', '/api/v1/users/', { token })).body.map((user: { id: string }) => user.id), [alice], 'an athlete sees only themselves')

  const created = (await ss.call('POST', '/api/v1/users/', { token: coachToken, json: { first_name: 'Finn', last_name: 'Junior' } })).body
  t.match(created, { first_name: 'Finn', last_name: 'Junior', display_name: 'Finn Junior', is_managed: true, admin: false })
  t.match((await ss.call('PUT', `/api/v1/users/${created.id}`, { token: coachToken, form: { first_name: 'Fin' } })).body, { first_name: 'Fin', last_name: 'Junior' }, 'partial form update')
  t.equal((await ss.call('GET', `/api/v1/users/${bob}`, { token: coachToken })).status, 404, 'not a managed user')
  t.equal((await ss.call('GET', `/api/v1/users/${created.id}`, { token })).status, 404, "someone else's managed user")
  t.equal((await ss.call('POST', '/api/v1/users/', { token: coachToken, json: { last_name: 'X' } })).status, 422)
  t.equal((await ss.call('DELETE', `/api/v1/users/${created.id}`, { token: coachToken })).status, 204)
  t.equal((await ss.call('GET', `/api/v1/users/${created.id}`, { token: coachToken })).status, 404)

  t.match((await ss.call('GET', '/api/v1/teams/', { token: coachToken })).body, [{ id: teamId, name: 'Carter Endurance', role: 'owner' }])
  t.same((await ss.call('GET', '/api/v1/teams/', { token })).body, [])
  t.match((await ss.call('GET', '/api/v1/teams/authorized', { token })).body, [{ id: teamId, scopes: ['data:read'] }])
  t.equal((await ss.call('GET', `/api/v1/teams/${teamId}/users`, { token })).status, 403, 'members only')
  t.equal((await ss.call('GET', '/api/v1/teams/01AAAAAAAAAAAAAAAAAAAAAAAA/users', { token: coachToken })).status, 404)
  t.equal((await ss.call('POST', `/api/v1/teams/${teamId}/authorize`, { token, json: { scopes: ['telepathy'] } })).status, 422)
  t.equal((await ss.call('POST', '/api/v1/teams/01AAAAAAAAAAAAAAAAAAAAAAAA/authorize', { token, json: { scopes: ['data:read'] } })).status, 404)
})

t.test('delegated and principal tokens', async (t) => {
  const delegated = await ss.call('POST', '/api/v1/oauth/delegated-token', { token: coachToken, json: { sub: bob } })
  t.equal(delegated.status, 200)
  const claims = decodeJwt(delegated.body.access_token)
  t.equal(claims.sub, bob)
  t.same(claims.act, { sub: coach }, 'RFC 8693 act claim')
  t.same((await ss.call('GET', '/api/v1/oauth/userinfo', { token: delegated.body.access_token })).body.sub, bob)
  const bobsLatest = (await ss.call('GET', '/api/v1/activities/latest', { token: delegated.body.access_token })).body
  t.equal((await ss.call('GET', `/api/v1/activities/${bobsLatest.id}`, { token: (await ss.login(bob)).access_token })).status, 200, "Bob's data")

  const refreshed = await ss.call('POST', '/api/v1/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: delegated.body.refresh_token, client_id: 'sandbox-client', client_secret: 'sandbox-secret' } })
  t.equal(refreshed.status, 200, 'the delegated pair refreshes at the token endpoint')
  t.match(decodeJwt(refreshed.body.access_token), { sub: bob, act: { sub: coach } })

  const principal = await ss.call('GET', '/api/v1/oauth/principal-token', { token: refreshed.body.access_token })
  t.equal(principal.status, 200)
  const principalClaims = decodeJwt(principal.body.access_token)
  t.equal(principalClaims.sub, coach)
  t.equal(principalClaims.act, undefined)

  t.equal((await ss.call('POST', '/api/v1/oauth/delegated-token', { token: coachToken, json: { sub: dana } })).status, 200, 'a managed user')
  t.same((await ss.call('POST', '/api/v1/oauth/delegated-token', { token, json: { sub: bob } })).body, { detail: "You don't have access to this user" })
  t.same((await ss.call('POST', '/api/v1/oauth/delegated-token', { token: coachToken, json: { sub: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' } })).body, { detail: 'User not found' })
  t.equal((await ss.call('POST', '/api/v1/oauth/delegated-token', { token: coachToken, json: { sub: dana, team_id: teamId } })).status, 403, 'Dana did not authorise the team')
  t.equal((await ss.call('POST', '/api/v1/oauth/delegated-token', { token: coachToken, json: {} })).status, 422)
  const narrowed = await ss.call('POST', '/api/v1/oauth/delegated-token', { token: coachToken, json: { sub: bob, scopes: ['data:read'] } })
  t.equal(narrowed.body.scope, 'data:read')
  t.equal((await ss.call('POST', '/api/v1/traces/', { token: narrowed.body.access_token, json: { timestamp: '2026-05-01T10:00:00Z' } })).status, 403)
})

t.test('portal sessions', async (t) => {
  const session = await ss.call('POST', '/api/v1/portal/sessions', { token, json: { destination: 'manage-integrations', return_url: 'http://127.0.0.1:5173/back?x=1' } })
  t.equal(session.status, 200)
  t.match(session.body.url, new RegExp(`^${ss.url}/portal/[\\w-]+$`))
  const page = await fetch(session.body.url)
  t.match(page.headers.get('content-type'), /^text\/html/)
  t.match(await page.text(), 'href="http://127.0.0.1:5173/back?x=1"')
  t.equal((await ss.call('POST', '/api/v1/portal/sessions', { token, json: { destination: 'manage-teams' } })).status, 200, 'no return_url')
  const foreign = await ss.call('POST', '/api/v1/portal/sessions', { token, json: { destination: 'manage-teams', return_url: 'https://evil.example/back' } })
  t.equal(foreign.status, 400)
  t.same(foreign.body, { detail: 'return_url is not registered for this application' })
  t.equal((await ss.call('POST', '/api/v1/portal/sessions', { token, json: { destination: 'billing' } })).status, 422)
  t.equal((await fetch(`${ss.url}/portal/nope`)).status, 404)

  const registered = await startSandbox({ ...onTestCalendar(), redirectUris: ['https://app.example.com/auth'] })
  t.teardown(registered.close)
  const rs = clientOf(registered)
  const own = (await rs.login(alice, 'data:read profile', 'https://app.example.com/auth/callback')).access_token
  t.equal((await rs.call('POST', '/api/v1/portal/sessions', { token: own, json: { destination: 'manage-teams', return_url: 'https://app.example.com/auth/done' } })).status, 200)
  t.equal((await rs.call('POST', '/api/v1/portal/sessions', { token: own, json: { destination: 'manage-teams', return_url: 'http://localhost:5173/' } })).status, 400)
})

t.test('workouts and profile', async (t) => {
  const swf = (sport: string, quantity: string) => ({ swf: { sport, content: [{ type: 'step', effort: 'work', volume: { type: 'constant', quantity: 'duration', value: 600 }, intensity: { type: 'constant', quantity, value: 3.5 } }] }, start: '2026-05-21T07:00:00' })
  const cycling = await ss.call('POST', '/api/v1/workouts/schedule', { token, json: swf('cycling', 'speed') })
  t.equal(cycling.status, 422)
  t.match(cycling.body.detail[0].msg, /unsupported SWF/)
  t.equal((await ss.call('POST', '/api/v1/workouts/schedule', { token, json: swf('running', 'power') })).status, 422, 'speed intensity only')
  t.match((await ss.call('POST', '/api/v1/workouts/schedule', { token, json: swf('running.trail', 'speed') })).body, { sport: 'running.trail', start: '2026-05-21T07:00:00', swf: { version: '0.4.0' } })

  const sports = (await ss.call('GET', '/api/v1/profile/sports/', { token })).body as string[]
  const roots = (await ss.call('GET', '/api/v1/profile/sports/', { token, query: { only_root: true } })).body as string[]
  t.ok(sports.includes('cycling.road') && roots.includes('cycling') && !roots.includes('cycling.road'))
  t.equal((await ss.call('GET', '/api/v1/profile/sports/', { token, query: { only_root: 'maybe' } })).status, 422)
  t.ok((await ss.call('GET', '/api/v1/profile/tags/', { token })).body.includes('interval'))
  t.match((await ss.call('GET', '/api/v1/profile/status', { token: coachToken })).body, { issue: { code: 'no_source_connected', destination: 'manage-integrations' } })
  const model = (await ss.call('GET', '/api/v1/profile/intensity-duration-model', { token, query: { sport: 'running' } })).body as { curve: Array<{ duration: number, intensity: number }> }
  t.ok(model.curve.every((point, i) => i === 0 || point.intensity <= (model.curve[i - 1]?.intensity ?? 0)), 'intensity falls with duration')
  t.equal((await ss.call('GET', '/api/v1/profile/intensity-duration-model', { token, query: { metric: 'heart_rate' } })).status, 422)
})
