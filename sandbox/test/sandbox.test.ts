import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import { SignJWT, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import type { JWTHeaderParameters } from 'jose'
import t from 'tap'
import { fetch } from 'undici'
import type { Response } from 'undici'
import { buildSandbox, sandboxControl, sandboxUsers, seedActivities, startSandbox } from '../index.ts'
import type { ActivityDetails, StartedSandbox } from '../index.ts'
import { SEED_END_DATE, TestClock, onTestCalendar } from '../../test/calendar.ts'
import { checkSeed } from '../../test/seeded-data-checks.ts'

const seedEndDate = SEED_END_DATE
const redirectUri = 'http://localhost:5173/auth/sweatstack/callback'
const client = { client_id: 'sandbox-client', client_secret: 'sandbox-secret' }

function userNamed (name: string): string {
  const user = sandboxUsers.find((candidate) => candidate.name === name)
  if (user === undefined) throw new Error(`no sandbox user ${name}`)
  return user.id
}
const alice = userNamed('Alice Anderson')
const bob = userNamed('Bob Berg')
const coach = userNamed('Coach Carter')

function pkcePair (): { verifier: string, challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

interface TokenBody {
  access_token: string
  token_type: string
  expires_in: number
  refresh_token: string
  scope: string
  id_token: null
  error?: string
  error_description?: string
  detail?: unknown
}

/** Helpers bound to one running sandbox. */
function clientOf (sandbox: StartedSandbox) {
  const { url } = sandbox

  function authorizeUrl (params: Record<string, string>): string {
    const query = new URLSearchParams({ client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'data:read profile', state: 'st4te', ...params })
    return `${url}/oauth/authorize?${query}`
  }

  async function authorize (params: Record<string, string>): Promise<{ status: number, location: URL | null, text: string }> {
    const response = await fetch(authorizeUrl(params), { redirect: 'manual' })
    const location = response.headers.get('location')
    return { status: response.status, location: location === null ? null : new URL(location), text: await response.text() }
  }

  /** A scripted sign-in: `GET /oauth/authorize?...&sandbox_user=<id>` answers 302 with the code. */
  async function signIn (userId: string, scope = 'data:read profile'): Promise<{ code: string, verifier: string }> {
    const { verifier, challenge } = pkcePair()
    const { location } = await authorize({ scope, code_challenge: challenge, code_challenge_method: 'S256', sandbox_user: userId })
    const code = location?.searchParams.get('code')
    if (code == null) throw new Error(`no code in ${location}`)
    return { code, verifier }
  }

  async function token (form: Record<string, string>, headers: Record<string, string> = {}, path = '/api/v1/oauth/token'): Promise<{ status: number, body: TokenBody, response: Response }> {
    const response = await fetch(url + path, { method: 'POST', headers, body: new URLSearchParams(form) })
    return { status: response.status, body: await response.json() as TokenBody, response }
  }

  async function login (userId: string, scope = 'data:read profile'): Promise<TokenBody> {
    const { code, verifier } = await signIn(userId, scope)
    const { status, body } = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, ...client })
    if (status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(body)}`)
    return body
  }

  async function api (path: string, accessToken?: string, headers: Record<string, string> = {}): Promise<{ status: number, body: any, response: Response }> {
    const auth: Record<string, string> = accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }
    const response = await fetch(url + path, { headers: { ...auth, ...headers }, redirect: 'manual' })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), response }
  }

  async function control (method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> {
    const init = body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
    const response = await fetch(`${url}/__sandbox${path}`, init)
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
  }

  return { url, authorizeUrl, authorize, signIn, token, login, api, control }
}

const clock = new TestClock()
const sandbox = await startSandbox({ ...onTestCalendar(clock) })
t.teardown(sandbox.close)
const ss = clientOf(sandbox)

t.test('startSandbox listens on loopback, and the control API lists the seeded users', async (t) => {
  t.match(ss.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const { status, body } = await ss.control('GET', '/users')
  t.equal(status, 200)
  t.same(body.map((user: { name: string, role: string }) => [user.name, user.role]), [
    ['Alice Anderson', 'athlete'], ['Bob Berg', 'athlete'], ['Chloé Dubois', 'athlete'], ['Coach Carter', 'coach'],
  ])
  for (const user of body) t.match(user.id, /^[0-9A-HJKMNP-TV-Z]{26}$/, `${user.name} has a ULID`)
})

t.test('sign-in page lists every user and posts the authorize parameters back', async (t) => {
  const { challenge } = pkcePair()
  const response = await fetch(ss.authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' }))
  t.equal(response.status, 200)
  t.match(response.headers.get('content-type'), /^text\/html/)
  const html = await response.text()
  t.match(html, 'SweatStack sandbox')
  t.match(html, '<form method="post" action="/oauth/authorize">')
  t.notMatch(html, /<(link|script)\b/, 'no external assets')
  for (const user of sandboxUsers) t.match(html, `data-user-id="${user.id}"`, `a button for ${user.name}`)
  t.match(html, 'Sign in as Chloé')
  t.match(html, `name="code_challenge" value="${challenge}"`)
  t.match(html, 'name="state" value="st4te"')
  t.match(html, 'data-action="deny"')

  const form = new URLSearchParams({ client_id: client.client_id, redirect_uri: redirectUri, scope: 'data:read profile', state: 'st4te', code_challenge: challenge, code_challenge_method: 'S256', user_id: bob })
  const approved = await fetch(`${ss.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' })
  t.equal(approved.status, 302)
  const location = new URL(approved.headers.get('location') ?? '')
  t.equal(location.origin + location.pathname, redirectUri)
  t.equal(location.searchParams.get('state'), 'st4te')
  t.match(location.searchParams.get('code'), /^[\w-]{43}$/)

  form.delete('user_id')
  form.set('action', 'deny')
  const denied = await fetch(`${ss.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' })
  t.equal(denied.status, 302)
  const deniedLocation = new URL(denied.headers.get('location') ?? '')
  t.equal(deniedLocation.searchParams.get('error'), 'access_denied')
  t.equal(deniedLocation.searchParams.get('state'), 'st4te')
  t.ok(deniedLocation.searchParams.get('error_description'))
})

t.test('authorize errors', async (t) => {
  const unknownClient = await ss.authorize({ client_id: 'someone-else' })
  t.equal(unknownClient.status, 400, 'unknown client: error page')
  t.equal(unknownClient.location, null, 'never a redirect')
  t.match(unknownClient.text, 'Unknown client_id')

  const foreign = await ss.authorize({ redirect_uri: 'https://evil.example/callback' })
  t.equal(foreign.status, 400, 'non-loopback redirect_uri is refused when none is registered')
  t.equal(foreign.location, null)
  t.equal((await ss.authorize({ redirect_uri: 'http://127.0.0.1:9999/cb', sandbox_user: alice })).status, 302, 'any 127.0.0.1 port is allowed')

  const scope = await ss.authorize({ scope: 'data:read telepathy' })
  t.equal(scope.status, 302)
  t.equal(scope.location?.searchParams.get('error'), 'invalid_scope')
  t.equal(scope.location?.searchParams.get('state'), 'st4te')

  const plain = await ss.authorize({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })
  t.equal(plain.location?.searchParams.get('error'), 'invalid_request', 'plain PKCE is refused')

  const responseType = await ss.authorize({ response_type: 'token' })
  t.equal(responseType.location?.searchParams.get('error'), 'unsupported_response_type')

  const denied = await ss.authorize({ sandbox_user: 'deny' })
  t.equal(denied.location?.searchParams.get('error'), 'access_denied')

  const commas = await ss.authorize({ scope: 'data:read,profile', sandbox_user: alice })
  t.ok(commas.location?.searchParams.get('code'), 'comma-separated scopes are accepted')

  const unknownUser = await ss.authorize({ sandbox_user: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' })
  t.equal(unknownUser.status, 400)
})

t.test('registered redirect URIs are matched as sub-URLs', async (t) => {
  const registered = await startSandbox({ ...onTestCalendar(), redirectUris: ['https://app.example.com/auth'] })
  t.teardown(registered.close)
  const rs = clientOf(registered)
  t.equal((await rs.authorize({ redirect_uri: 'https://app.example.com/auth/sweatstack/callback', sandbox_user: alice })).status, 302)
  t.equal((await rs.authorize({ redirect_uri: 'https://app.example.com.evil.example/auth', sandbox_user: alice })).status, 400)
  t.equal((await rs.authorize({ redirect_uri: 'http://localhost:5173/cb', sandbox_user: alice })).status, 400, 'loopback is no longer implied')
})

t.test('authorization code exchange', async (t) => {
  const { code, verifier } = await ss.signIn(alice)
  const { status, body, response } = await ss.token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, tz: 'Europe/Oslo', ...client })
  t.equal(status, 200)
  t.equal(response.headers.get('cache-control'), 'no-store')
  t.match(body, { token_type: 'Bearer', expires_in: 900, scope: 'data:read profile', id_token: null })
  t.match(body.refresh_token, /^[\w-]{43,}$/)

  const header = decodeProtectedHeader(body.access_token)
  t.equal(header.alg, 'RS256')
  t.ok(header.kid)
  const jwks = createRemoteJWKSet(new URL(`${ss.url}/.well-known/jwks.json`))
  const { payload } = await jwtVerify(body.access_token, jwks, { issuer: ss.url, audience: client.client_id, currentDate: new Date(clock.now()) })
  t.equal(payload.sub, alice)
  t.equal(payload.scope, 'data:read profile')
  t.equal((payload.exp ?? 0) - (payload.iat ?? 0), 900)
  t.ok(payload.jti)

  const reused = await ss.token({ grant_type: 'authorization_code', code, code_verifier: verifier, ...client })
  t.equal(reused.status, 400, 'a code works once')
  t.equal(reused.body.error, 'invalid_grant')
  t.ok(reused.body.error_description)
})

t.test('client authentication: body or HTTP Basic', async (t) => {
  const basic = `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`
  const viaBasic = await ss.signIn(alice)
  const ok = await ss.token({ grant_type: 'authorization_code', code: viaBasic.code, code_verifier: viaBasic.verifier }, { authorization: basic })
  t.equal(ok.status, 200, 'Basic works')

  const viaAlias = await ss.signIn(alice)
  const alias = await ss.token({ grant_type: 'authorization_code', code: viaAlias.code, code_verifier: viaAlias.verifier, ...client }, {}, '/oauth/token')
  t.equal(alias.status, 200, '/oauth/token is an alias')

  const { code, verifier } = await ss.signIn(alice)
  const wrong = await ss.token({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: client.client_id, client_secret: 'nope' })
  t.equal(wrong.status, 401)
  t.same(wrong.body, { error: 'invalid_client', error_description: 'Invalid client credentials' })
  const wrongBasic = await ss.token({ grant_type: 'authorization_code', code, code_verifier: verifier }, { authorization: `Basic ${Buffer.from('sandbox-client:nope').toString('base64')}` })
  t.equal(wrongBasic.status, 401)
  t.match(wrongBasic.response.headers.get('www-authenticate'), /^Basic/)
  const noSecret = await ss.token({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: client.client_id })
  t.equal(noSecret.status, 401)
})

t.test('token endpoint errors', async (t) => {
  const mismatch = await ss.signIn(alice)
  const pkce = await ss.token({ grant_type: 'authorization_code', code: mismatch.code, code_verifier: pkcePair().verifier, ...client })
  t.equal(pkce.status, 400)
  t.equal(pkce.body.error, 'invalid_grant', 'PKCE mismatch')

  const missing = await ss.signIn(alice)
  const noVerifier = await ss.token({ grant_type: 'authorization_code', code: missing.code, ...client })
  t.equal(noVerifier.body.error, 'invalid_request', 'a code with a challenge needs its verifier')

  t.equal((await ss.token({ grant_type: 'authorization_code', code: 'made-up', code_verifier: 'x', ...client })).body.error, 'invalid_grant')
  t.equal((await ss.token({ grant_type: 'authorization_code', ...client })).body.error, 'invalid_request')
  t.equal((await ss.token({ ...client })).body.error, 'invalid_request', 'no grant_type')
  const password = await ss.token({ grant_type: 'password', ...client })
  t.equal(password.status, 400)
  t.equal(password.body.error, 'unsupported_grant_type')

  const json = await fetch(`${ss.url}/api/v1/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', ...client }) })
  t.equal(json.status, 422, 'the token endpoint takes form fields, not JSON')
})

t.test('codes expire after 60 seconds', async (t) => {
  let now = Date.parse('2026-05-18T12:00:00Z')
  const clocked = await startSandbox({ seedEndDate, now: () => now })
  t.teardown(clocked.close)
  const cs = clientOf(clocked)
  const { code, verifier } = await cs.signIn(alice)
  now += 61_000
  const expired = await cs.token({ grant_type: 'authorization_code', code, code_verifier: verifier, ...client })
  t.equal(expired.body.error, 'invalid_grant')
  t.match(expired.body.error_description, /expired/)

  const tokens = await cs.login(alice)
  t.equal((await cs.api('/api/v1/oauth/userinfo', tokens.access_token)).status, 200)
  now += 901_000
  const late = await cs.api('/api/v1/oauth/userinfo', tokens.access_token)
  t.equal(late.status, 401, 'an expired access token is refused')
  t.same(late.body, { detail: 'Could not validate credentials' })
})

t.test('refresh without rotation returns the same refresh token', async (t) => {
  const tokens = await ss.login(bob)
  const first = await ss.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...client })
  t.equal(first.status, 200)
  t.equal(first.body.refresh_token, tokens.refresh_token)
  t.not(first.body.access_token, tokens.access_token)
  const again = await ss.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...client })
  t.equal(again.status, 200, 'the same refresh token keeps working')

  const bad = await ss.token({ grant_type: 'refresh_token', refresh_token: 'not-a-token', ...client })
  t.equal(bad.status, 400)
  t.equal(bad.body.error, 'invalid_grant')
  t.equal((await ss.token({ grant_type: 'refresh_token', ...client })).body.error, 'invalid_request')
})

t.test('rotation mode rejects a reused refresh token', async (t) => {
  const rotating = await startSandbox({ ...onTestCalendar(), rotateRefreshTokens: true })
  t.teardown(rotating.close)
  const rs = clientOf(rotating)
  const tokens = await rs.login(alice)
  const first = await rs.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...client })
  t.equal(first.status, 200)
  t.not(first.body.refresh_token, tokens.refresh_token, 'a new refresh token')
  const reused = await rs.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...client })
  t.equal(reused.status, 400)
  t.equal(reused.body.error, 'invalid_grant')
  t.equal((await rs.token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, ...client })).status, 200)
})

t.test('userinfo', async (t) => {
  const tokens = await ss.login(userNamed('Chloé Dubois'))
  const { status, body } = await ss.api('/api/v1/oauth/userinfo', tokens.access_token)
  t.equal(status, 200)
  t.same(body, {
    sub: userNamed('Chloé Dubois'),
    name: 'Chloé Dubois',
    given_name: 'Chloé',
    family_name: 'Dubois',
    email: 'chloe.dubois@example.com',
    registered_at: '2024-09-21T07:45:03Z',
    issue: null,
  })
  const noProfile = await ss.login(alice, 'data:read')
  const forbidden = await ss.api('/api/v1/oauth/userinfo', noProfile.access_token)
  t.equal(forbidden.status, 403)
  t.same(forbidden.body, { detail: 'Not enough permissions' })
})

t.test('bearer checks', async (t) => {
  const missing = await ss.api('/api/v1/activities/')
  t.equal(missing.status, 401)
  t.same(missing.body, { detail: 'Not authenticated' })
  t.equal(missing.response.headers.get('www-authenticate'), 'Bearer')

  const garbage = await ss.api('/api/v1/activities/', 'not.a.jwt')
  t.equal(garbage.status, 401)
  t.same(garbage.body, { detail: 'Could not validate credentials' })
  t.equal(garbage.response.headers.get('www-authenticate'), 'Bearer')

  // The same header (kid included) and claims as a token the sandbox issued, signed with another key.
  const issued = (await ss.login(alice)).access_token
  const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const foreignToken = await new SignJWT(decodeJwt(issued)).setProtectedHeader(decodeProtectedHeader(issued) as JWTHeaderParameters).sign(otherKey)
  t.equal((await ss.api('/api/v1/activities/', issued)).status, 200, 'the token as issued')
  t.equal((await ss.api('/api/v1/activities/', foreignToken)).status, 401, 'a token signed by another key')

  const profileOnly = await ss.login(alice, 'profile')
  const forbidden = await ss.api('/api/v1/activities/', profileOnly.access_token)
  t.equal(forbidden.status, 403)
  t.same(forbidden.body, { detail: 'Not enough permissions' })
})

t.test('activities list', async (t) => {
  const { access_token: token } = await ss.login(alice)
  const all = seedActivities(seedEndDate).get(alice) ?? []

  const page = await ss.api('/api/v1/activities/', token)
  t.equal(page.status, 200)
  t.equal(page.body.length, 50, 'default limit 50')
  t.same(page.body.map((a: ActivityDetails) => a.id), all.slice(0, 50).map((a) => a.id), 'newest first')
  const first = page.body[0]
  t.same(Object.keys(first), ['tags', 'id', 'sport', 'start', 'end', 'metrics', 'source_id', 'summary', 'laps', 'traces', 'app_metadata', 'duration', 'start_local', 'end_local'])
  t.match(first.start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  t.match(first.start_local, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)
  t.match(first.duration, /^PT(\d+H)?(\d+M)?(\d+S)?$/)

  const second = await ss.api('/api/v1/activities/?limit=10&offset=10', token)
  t.same(second.body.map((a: ActivityDetails) => a.id), all.slice(10, 20).map((a) => a.id), 'limit and offset')
  t.equal((await ss.api('/api/v1/activities/?limit=100', token)).body.length, 100, 'limit up to 100')

  const range = await ss.api('/api/v1/activities/?start=2026-05-01&end=2026-05-10&limit=100', token)
  t.ok(range.body.length > 0)
  t.ok(range.body.every((a: ActivityDetails) => a.start >= '2026-05-01' && a.start < '2026-05-11'), 'start and end are inclusive dates')
  t.equal(range.body.length, all.filter((a) => a.start >= '2026-05-01' && a.start < '2026-05-11').length)

  const cycling = await ss.api('/api/v1/activities/?sport=cycling&limit=100', token)
  const cyclingSports = new Set(cycling.body.map((a: ActivityDetails) => a.sport))
  t.ok(cyclingSports.has('cycling.road') && cyclingSports.has('cycling+stationary'), 'a parent sport matches its sub-sports')
  t.ok([...cyclingSports].every((sport) => String(sport).startsWith('cycling')))

  const either = await ss.api('/api/v1/activities/?sport=cycling.road&sport=xc_skiing&limit=100', token)
  t.same(new Set(either.body.map((a: ActivityDetails) => a.sport)), new Set(['cycling.road', 'xc_skiing.skate']), 'sports are OR-ed')

  const intervals = await ss.api('/api/v1/activities/?tags=interval&limit=100', token)
  t.ok(intervals.body.length > 0)
  t.ok(intervals.body.every((a: ActivityDetails) => a.tags?.includes('interval')))
  t.same((await ss.api('/api/v1/activities/?tags=interval&tags=race', token)).body, [], 'tags are AND-ed')

  t.equal((await ss.api('/api/v1/activities/?limit=5&whatever=1', token)).body.length, 5, 'unknown parameters are ignored')
  const noSlash = await ss.api('/api/v1/activities?limit=5', token)
  t.equal(noSlash.status, 307)
  t.equal(noSlash.response.headers.get('location'), '/api/v1/activities/?limit=5')
})

t.test('activities list validation errors are FastAPI 422s', async (t) => {
  const { access_token: token } = await ss.login(alice)
  const cases: Array<[string, string, string]> = [
    ['start=yesterday', 'start', 'date_from_datetime_parsing'],
    ['end=2026-02-30', 'end', 'date_from_datetime_parsing'],
    ['limit=abc', 'limit', 'int_parsing'],
    ['limit=0', 'limit', 'greater_than_equal'],
    ['limit=101', 'limit', 'less_than_equal'],
    ['offset=-1', 'offset', 'greater_than_equal'],
  ]
  for (const [query, field, type] of cases) {
    const { status, body } = await ss.api(`/api/v1/activities/?${query}`, token)
    t.equal(status, 422, query)
    t.match(body, { detail: [{ loc: ['query', field], type, msg: String }] }, query)
  }
  const sport = await ss.api('/api/v1/activities/?sport=Cycling!', token)
  t.equal(sport.status, 422)
  t.same(sport.body.detail[0].loc, ['query', 'sport', 0])
})

t.test('latest activity', async (t) => {
  const { access_token: token } = await ss.login(alice)
  const all = seedActivities(seedEndDate).get(alice) ?? []
  const latest = await ss.api('/api/v1/activities/latest', token)
  t.equal(latest.status, 200)
  t.same(latest.body, all[0])
  t.ok('distance' in latest.body && 'devices' in latest.body, 'ActivityDetails fields')

  const running = await ss.api('/api/v1/activities/latest?sport=running', token)
  t.same(running.body, all.find((a) => a.sport.startsWith('running')))

  const coachToken = (await ss.login(coach)).access_token
  const none = await fetch(`${ss.url}/api/v1/activities/latest`, { headers: { authorization: `Bearer ${coachToken}` } })
  t.equal(none.status, 200)
  t.match(none.headers.get('content-type'), /^application\/json/)
  t.equal(await none.text(), 'null', 'JSON null when there is none')
})

t.test('activity by id', async (t) => {
  const { access_token: token } = await ss.login(alice)
  const [activity] = seedActivities(seedEndDate).get(alice) ?? []
  const [bobs] = seedActivities(seedEndDate).get(bob) ?? []
  if (activity === undefined || bobs === undefined) throw new Error('seed is empty')
  const found = await ss.api(`/api/v1/activities/${activity.id}`, token)
  t.equal(found.status, 200)
  t.same(found.body, activity)
  t.same(Object.keys(found.body).slice(-5), ['distance', 'devices', 'duration', 'start_local', 'end_local'])

  const foreign = await ss.api(`/api/v1/activities/${bobs.id}`, token)
  t.equal(foreign.status, 404, "another user's activity")
  t.same(foreign.body, { detail: 'Activity not found' })
  t.equal((await ss.api('/api/v1/activities/01AAAAAAAAAAAAAAAAAAAAAAAA', token)).status, 404)
})

t.test('x-request-id is echoed or made', async (t) => {
  const echoed = await ss.api('/.well-known/jwks.json', undefined, { 'x-request-id': 'trace-me-123' })
  t.equal(echoed.response.headers.get('x-request-id'), 'trace-me-123')
  const made = await ss.api('/api/v1/activities/')
  t.ok(made.response.headers.get('x-request-id'))
  t.equal((await ss.api('/no/such/route')).response.headers.get('x-request-id') !== null, true)
})

t.test('discovery and JWKS', async (t) => {
  const { body } = await ss.api('/.well-known/openid-configuration')
  t.match(body, {
    issuer: ss.url,
    authorization_endpoint: `${ss.url}/oauth/authorize`,
    token_endpoint: `${ss.url}/api/v1/oauth/token`,
    userinfo_endpoint: `${ss.url}/api/v1/oauth/userinfo`,
    jwks_uri: `${ss.url}/.well-known/jwks.json`,
  })
  const jwks = await ss.api('/.well-known/jwks.json')
  t.match(jwks.body, { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: String, n: String, e: 'AQAB' }] })
})

t.test('faults', async (t) => {
  t.teardown(() => { sandbox.sandbox.clearFaults() })
  const { access_token: token } = await ss.login(alice)

  const added = await ss.control('POST', '/faults', { method: 'GET', path: '/api/v1/activities/*', status: 503, body: { detail: 'down for maintenance' }, headers: { 'retry-after': '3' }, times: 2 })
  t.equal(added.status, 201)
  for (let i = 0; i < 2; i++) {
    const failed = await ss.api('/api/v1/activities/latest', token)
    t.equal(failed.status, 503)
    t.same(failed.body, { detail: 'down for maintenance' })
    t.equal(failed.response.headers.get('retry-after'), '3')
  }
  t.equal((await ss.api('/api/v1/activities/latest', token)).status, 200, 'times runs out')

  await ss.control('POST', '/faults', { path: '/api/v1/oauth/token', status: 500 })
  t.equal((await ss.token({ grant_type: 'refresh_token', refresh_token: 'x', ...client })).status, 500, 'applies to the token endpoint')
  t.equal((await ss.control('GET', '/stats')).status, 200, 'never to /__sandbox')
  t.equal((await ss.control('DELETE', '/faults')).status, 204)
  t.equal((await ss.token({ grant_type: 'refresh_token', refresh_token: 'x', ...client })).status, 400, 'cleared')

  await ss.control('POST', '/faults', { path: '/api/v1/oauth/userinfo', delayMs: 150, times: 1 })
  const started = performance.now()
  const slow = await ss.api('/api/v1/oauth/userinfo', token)
  t.equal(slow.status, 200, 'a delay alone lets the request through')
  t.ok(performance.now() - started >= 140, 'after the delay')

  await ss.control('POST', '/faults', { path: '/api/v1/oauth/userinfo', status: 502, rawBody: '<html>Bad gateway</html>', contentType: 'text/html', times: 1 })
  const html = await fetch(`${ss.url}/api/v1/oauth/userinfo`)
  t.equal(html.status, 502)
  t.equal(await html.text(), '<html>Bad gateway</html>')

  await ss.control('POST', '/faults', { path: '/.well-known/jwks.json', reset: true, times: 1 })
  await t.rejects(fetch(`${ss.url}/.well-known/jwks.json`), 'reset drops the connection')

  const invalid = await ss.control('POST', '/faults', { status: 'soon' })
  t.equal(invalid.status, 422)
  t.match(invalid.body.detail, [{ loc: ['body', 'path'] }, { loc: ['body', 'status'] }])
})

t.test('stats, config and reset', async (t) => {
  const fresh = await startSandbox({ ...onTestCalendar() })
  t.teardown(fresh.close)
  const fs = clientOf(fresh)
  const tokens = await fs.login(alice)
  await fs.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...client })
  await fs.token({ grant_type: 'refresh_token', refresh_token: 'nope', ...client })
  const stats = await fs.control('GET', '/stats')
  t.match(stats.body, { token: { authorization_code: 1, refresh_token: 2 }, requests: 4, authorizations: 1 })

  const config = await fs.control('POST', '/config', { accessTokenTtlSeconds: 5, rotateRefreshTokens: true })
  t.same(config.body, { accessTokenTtlSeconds: 5, rotateRefreshTokens: true, uploadProcessingDelayMs: 200, backfillIntervalMs: 1000, backfillUpdates: 5, promptNone: 'skip-consent', tokenErrorShape: 'oauth' })
  const refreshed = await fs.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...client })
  t.equal(refreshed.body.expires_in, 5)
  t.not(refreshed.body.refresh_token, tokens.refresh_token)
  t.equal((await fs.control('POST', '/config', { accessTokenTtlSeconds: 0 })).status, 422)
  t.match((await fs.control('POST', '/config', { promptNone: 'strict' })).body, { detail: [{ loc: ['body', 'promptNone'], msg: "Input should be 'skip-consent' or 'oidc'" }] })

  // The token endpoint's refusals, worded as FastAPI does.
  await fs.control('POST', '/config', { tokenErrorShape: 'fastapi' })
  t.same((await fs.token({ grant_type: 'refresh_token', refresh_token: 'nope', ...client })).body, { detail: 'Invalid refresh token' })
  t.same((await fs.token({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: 'sandbox-client', client_secret: 'wrong' })).body, { detail: 'Invalid client credentials' })

  await fs.control('POST', '/faults', { path: '/x', status: 500 })
  t.equal((await fs.control('POST', '/reset')).status, 204)
  t.same((await fs.control('GET', '/stats')).body, { token: { authorization_code: 0, refresh_token: 0 }, requests: 0, authorizations: 0, uploads: { files: 0, bytes: 0 } })
  t.same((await fs.control('GET', '/config')).body, { accessTokenTtlSeconds: 900, rotateRefreshTokens: false, uploadProcessingDelayMs: 200, backfillIntervalMs: 1000, backfillUpdates: 5, promptNone: 'skip-consent', tokenErrorShape: 'oauth' })
  t.same((await fs.control('GET', '/faults')).body, [])
  t.same(fresh.sandbox.stats(), { token: { authorization_code: 0, refresh_token: 0 }, requests: 0, authorizations: 0, uploads: { files: 0, bytes: 0 } }, 'same operations in-process')
})

t.test('revoking a user ends their tokens', async (t) => {
  const tokens = await ss.login(bob)
  const revoked = await ss.control('POST', '/revoke', { userId: bob })
  t.same(revoked.body, { revokedRefreshTokens: 2 })
  const refresh = await ss.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...client })
  t.equal(refresh.body.error, 'invalid_grant')
  t.equal((await ss.api('/api/v1/oauth/userinfo', tokens.access_token)).status, 401)
})

t.test('seed is deterministic and realistic', async (t) => {
  checkSeed(t, seedEndDate)
  const app = await buildSandbox({ seedEndDate })
  t.teardown(() => app.close())
  t.same(sandboxControl(app).users().map((user) => user.id), sandboxUsers.map((user) => user.id))
  const other = seedActivities('2026-01-31').get(alice) ?? []
  const newest = other[0]?.start ?? ''
  const oldest = other.at(-1)?.start ?? ''
  t.ok(newest >= '2026-01-25' && newest < '2026-02-01' && oldest >= '2025-02-01', 'seedEndDate moves the year')
})
