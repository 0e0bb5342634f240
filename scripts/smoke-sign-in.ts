// Signs the sandbox's first seeded athlete in through a running BFF and reads activities, as a browser
// would (redirects followed by hand, cookies kept by name and path). Used by scripts/container-smoke.sh.
//
//   node scripts/smoke-sign-in.ts <bffUrl> <sandboxUrl> [frontendOrigin]
//
// <bffUrl> must be the BFF's APP_URL (the sandbox redirects back there) and <sandboxUrl> its
// SWEATSTACK_URL. Exits 0 after printing what it saw, or 1 with the step that failed.
import { sandboxAthlete, sessionCookieHeader, signInThroughBff } from '../clients/sandbox-sign-in/index.ts'

const TIMEOUT_MS = 10_000

function fail (step: string, detail: string): never {
  console.error(`smoke sign-in FAILED at ${step}: ${detail}`)
  process.exit(1)
}

async function main (): Promise<void> {
  const [bffArg, sandboxArg, frontendArg = 'http://localhost:5173'] = process.argv.slice(2)
  if (bffArg === undefined || sandboxArg === undefined) {
    console.error('usage: node scripts/smoke-sign-in.ts <bffUrl> <sandboxUrl> [frontendOrigin]')
    process.exit(2)
  }
  const bff = bffArg.replace(/\/+$/, '')
  const sandbox = sandboxArg.replace(/\/+$/, '')
  const athlete = await sandboxAthlete(sandbox)
  console.log(`sandbox athlete: ${athlete.name} (${athlete.id})`)

  // login → SweatStack's authorize page (PKCE) → the callback → a session cookie.
  const jar = await signInThroughBff(bff, sandbox, athlete.id, `${frontendArg.replace(/\/+$/, '')}/`)
  console.log('signed in: login, authorize and callback gave a session cookie')

  const headers = { cookie: sessionCookieHeader(jar, bff), 'x-csrf': '1', accept: 'application/json' }
  const get = (path: string) => fetch(`${bff}${path}`, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) })
  const user = await get('/auth/sweatstack/user')
  if (user.status !== 200) fail('GET /auth/sweatstack/user', `${user.status}: ${(await user.text()).slice(0, 300)}`)
  const me = await user.json() as { userId?: string, name?: string }
  if (me.userId !== athlete.id) fail('GET /auth/sweatstack/user', `signed in as ${JSON.stringify(me)}, not ${athlete.id}`)
  console.log(`user: ${me.name} (${me.userId})`)

  const list = await get('/api/v1/activities/?limit=10')
  if (list.status !== 200) fail('GET /api/v1/activities/', `${list.status}: ${(await list.text()).slice(0, 300)}`)
  const activities = await list.json() as unknown
  if (!Array.isArray(activities) || activities.length === 0) fail('GET /api/v1/activities/', `expected a non-empty array, got ${JSON.stringify(activities).slice(0, 300)}`)
  const first = activities[0] as { sport?: string, start?: string }
  console.log(`activities: ${activities.length} read through the BFF (latest: ${first.sport ?? '?'} at ${first.start ?? '?'})`)
  console.log('smoke sign-in OK')
}

main().catch((error: unknown) => fail('sign-in', error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error)))
