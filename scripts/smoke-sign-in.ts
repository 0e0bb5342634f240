// Signs the sandbox's first seeded athlete in through a running BFF and reads activities, as a browser
// would (redirects followed by hand, cookies kept by name and path). Used by scripts/container-smoke.sh.
//
//   node scripts/smoke-sign-in.ts <bffUrl> <sandboxUrl> [frontendOrigin]
//
// <bffUrl> must be the BFF's APP_URL (the sandbox redirects back there) and <sandboxUrl> its
// SWEATSTACK_URL. Exits 0 after printing what it saw, or 1 with the step that failed.

import { CookieJar } from './cookie-jar.ts'

const TIMEOUT_MS = 10_000

function fail (step: string, detail: string): never {
  console.error(`smoke sign-in FAILED at ${step}: ${detail}`)
  process.exit(1)
}

async function get (jar: CookieJar, url: URL, headers: Record<string, string> = {}): Promise<Response> {
  const cookie = jar.header(url)
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { ...(cookie ? { cookie } : {}), ...headers },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  jar.store(response)
  return response
}

async function expectRedirect (step: string, response: Response): Promise<URL> {
  const location = response.headers.get('location')
  if (response.status !== 302 || location === null) {
    fail(step, `expected a 302 redirect, got ${response.status}: ${(await response.text()).slice(0, 300)}`)
  }
  return new URL(location, response.url)
}

async function main (): Promise<void> {
  const [bffArg, sandboxArg, frontendArg = 'http://localhost:5173'] = process.argv.slice(2)
  if (bffArg === undefined || sandboxArg === undefined) {
    console.error('usage: node scripts/smoke-sign-in.ts <bffUrl> <sandboxUrl> [frontendOrigin]')
    process.exit(2)
  }
  const bff = bffArg.replace(/\/+$/, '')
  const sandbox = sandboxArg.replace(/\/+$/, '')
  const jar = new CookieJar()

  // The seeded athlete to sign in as: the sandbox's first athlete (Alice Anderson).
  const usersResponse = await fetch(`${sandbox}/__sandbox/users`, { signal: AbortSignal.timeout(TIMEOUT_MS) })
  if (!usersResponse.ok) fail('sandbox users', `GET /__sandbox/users answered ${usersResponse.status}`)
  const users = await usersResponse.json() as Array<{ id: string, name: string, role: string }>
  const athlete = users.find(user => user.role === 'athlete')
  if (athlete === undefined) fail('sandbox users', 'the sandbox has no athlete')
  console.log(`sandbox athlete: ${athlete.name} (${athlete.id})`)

  // 1. The BFF sends the browser to SweatStack's authorize page and sets the sign-in cookie.
  const next = `${frontendArg.replace(/\/+$/, '')}/`
  const login = await get(jar, new URL(`${bff}/auth/sweatstack/login?next=${encodeURIComponent(next)}`))
  const authorize = await expectRedirect('GET /auth/sweatstack/login', login)
  if (!authorize.href.startsWith(`${sandbox}/oauth/authorize`)) {
    fail('GET /auth/sweatstack/login', `redirected to ${authorize.origin}${authorize.pathname}, not ${sandbox}/oauth/authorize`)
  }
  if (!jar.cookies.has('sweatstack_login')) fail('GET /auth/sweatstack/login', 'no sweatstack_login cookie set')
  console.log(`login: 302 to ${authorize.origin}${authorize.pathname} (PKCE ${authorize.searchParams.get('code_challenge_method')})`)

  // 2. The athlete approves at the sandbox (its scripted approval), which redirects to the callback.
  authorize.searchParams.set('sandbox_user', athlete.id)
  const approved = await get(jar, authorize)
  const callback = await expectRedirect('sandbox authorize', approved)
  if (!callback.href.startsWith(`${bff}/auth/sweatstack/callback`)) {
    fail('sandbox authorize', `redirected to ${callback.origin}${callback.pathname}, not ${bff}/auth/sweatstack/callback`)
  }
  if (!callback.searchParams.has('code') || !callback.searchParams.has('state')) {
    fail('sandbox authorize', `the callback URL has no code and state (error: ${callback.searchParams.get('error')})`)
  }
  console.log('authorize: 302 to the BFF callback with code and state')

  // 3. The callback exchanges the code and starts the session.
  const done = await get(jar, callback)
  const landing = await expectRedirect('GET /auth/sweatstack/callback', done)
  if (landing.searchParams.has('auth_error')) fail('GET /auth/sweatstack/callback', `auth_error=${landing.searchParams.get('auth_error')}`)
  if (!jar.cookies.has('sweatstack_session')) fail('GET /auth/sweatstack/callback', 'no sweatstack_session cookie set')
  console.log(`callback: 302 to ${landing.href} with a session cookie`)

  // 4. Who is signed in, and their activities, through the BFF.
  const api = { 'x-csrf': '1', accept: 'application/json' }
  const user = await get(jar, new URL(`${bff}/auth/sweatstack/user`), api)
  if (user.status !== 200) fail('GET /auth/sweatstack/user', `${user.status}: ${(await user.text()).slice(0, 300)}`)
  const me = await user.json() as { userId?: string, name?: string }
  if (me.userId !== athlete.id) fail('GET /auth/sweatstack/user', `signed in as ${JSON.stringify(me)}, not ${athlete.id}`)
  console.log(`user: ${me.name} (${me.userId})`)

  const list = await get(jar, new URL(`${bff}/api/v1/activities/?limit=10`), api)
  if (list.status !== 200) fail('GET /api/v1/activities/', `${list.status}: ${(await list.text()).slice(0, 300)}`)
  const activities = await list.json() as unknown
  if (!Array.isArray(activities) || activities.length === 0) {
    fail('GET /api/v1/activities/', `expected a non-empty array, got ${JSON.stringify(activities).slice(0, 300)}`)
  }
  const first = activities[0] as { sport?: string, start?: string }
  console.log(`activities: ${activities.length} read through the BFF (latest: ${first.sport ?? '?'} at ${first.start ?? '?'})`)
  console.log('smoke sign-in OK')
}

main().catch((error: unknown) => fail('unexpected error', error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error)))
