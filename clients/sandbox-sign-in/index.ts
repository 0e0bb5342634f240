// Signing in against the sandbox over HTTP, as a browser would, for tools that talk to a running BFF
// from outside (the benchmark, the container smoke test): through the BFF for a session cookie, and
// straight at the sandbox for a bearer token. Uses the sandbox's scripted approval (`sandbox_user`).
import { createHash, randomBytes } from 'node:crypto'
import { CookieJar } from './cookie-jar.ts'

export { CookieJar }

const TIMEOUT_MS = 10_000

export class SignInError extends Error {}

async function get (jar: CookieJar, url: URL): Promise<Response> {
  const cookie = jar.header(url)
  const response = await fetch(url, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  jar.store(response)
  await response.arrayBuffer()
  return response
}

function redirectOf (step: string, response: Response): URL {
  const location = response.headers.get('location')
  if (response.status !== 302 || location === null) throw new SignInError(`${step}: expected a 302, got ${response.status}`)
  return new URL(location, response.url)
}

/** The first seeded athlete of the sandbox. */
export async function sandboxAthlete (sandbox: string): Promise<{ id: string, name: string }> {
  const response = await fetch(`${sandbox}/__sandbox/users`, { signal: AbortSignal.timeout(TIMEOUT_MS) })
  if (!response.ok) throw new SignInError(`GET /__sandbox/users answered ${response.status}`)
  const users = await response.json() as Array<{ id: string, name: string, role: string }>
  const athlete = users.find(user => user.role === 'athlete')
  if (athlete === undefined) throw new SignInError('the sandbox has no athlete')
  return athlete
}

/**
 * One whole sign-in through the BFF: GET /auth/sweatstack/login → the sandbox's authorize (approved
 * as `userId` with `sandbox_user`) → GET /auth/sweatstack/callback. Returns the jar holding the session.
 */
export async function signInThroughBff (bff: string, sandbox: string, userId: string, next = 'http://localhost:5173/'): Promise<CookieJar> {
  const jar = new CookieJar()
  const authorize = redirectOf('login', await get(jar, new URL(`${bff}/auth/sweatstack/login?next=${encodeURIComponent(next)}`)))
  if (!authorize.href.startsWith(`${sandbox}/oauth/authorize`)) throw new SignInError(`login redirected to ${authorize.origin}${authorize.pathname}`)
  authorize.searchParams.set('sandbox_user', userId)
  const callback = redirectOf('authorize', await get(jar, authorize))
  if (!callback.searchParams.has('code')) throw new SignInError(`authorize gave no code (error: ${callback.searchParams.get('error')})`)
  const landing = redirectOf('callback', await get(jar, callback))
  if (landing.searchParams.has('auth_error')) throw new SignInError(`callback: auth_error=${landing.searchParams.get('auth_error')}`)
  if (!jar.cookies.has('sweatstack_session')) throw new SignInError('callback set no sweatstack_session cookie')
  return jar
}

/** The `cookie` header a browser would send to the BFF's /api with this jar. */
export function sessionCookieHeader (jar: CookieJar, bff: string): string {
  return jar.header(new URL(`${bff}/api/v1/activities/`))
}

export interface ClientCredentials { clientId: string, clientSecret: string }

/**
 * A bearer token straight from the sandbox, without the BFF: the authorization code flow with PKCE
 * (approved as `userId` with `sandbox_user`), then the code exchanged with the client secret.
 */
export async function sandboxAccessToken (sandbox: string, userId: string, client: ClientCredentials, scope = 'data:read profile'): Promise<string> {
  const verifier = randomBytes(32).toString('base64url')
  const state = randomBytes(16).toString('base64url')
  // The sandbox accepts any http://127.0.0.1:* redirect URI when none is registered; nothing listens there.
  const redirectUri = 'http://127.0.0.1:9/bench-callback'
  const authorize = new URL(`${sandbox}/oauth/authorize`)
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    sandbox_user: userId,
  })) authorize.searchParams.set(name, value)
  const approved = redirectOf('sandbox authorize', await get(new CookieJar(), authorize))
  const code = approved.searchParams.get('code')
  if (code === null || approved.searchParams.get('state') !== state) throw new SignInError(`sandbox authorize gave no code (error: ${approved.searchParams.get('error')})`)
  const response = await fetch(`${sandbox}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  if (!response.ok) throw new SignInError(`token exchange answered ${response.status}: ${(await response.text()).slice(0, 300)}`)
  const tokens = await response.json() as { access_token?: unknown }
  if (typeof tokens.access_token !== 'string') throw new SignInError('the token answer has no access_token')
  return tokens.access_token
}
