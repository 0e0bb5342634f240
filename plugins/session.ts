import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import secureSession from '@fastify/secure-session'
import type { Session } from '@fastify/secure-session'
import type { FastifyRequest } from 'fastify'
import { ProblemError } from '../src/problem.ts'
import type { LoginSessionData } from '../src/session-data.ts'

/**
 * The cookies' names and paths. On https they take the `__Host-` prefix, which browsers accept only when
 * Secure, with Path=/ and no Domain: a sibling subdomain cannot then toss in a cookie that shadows them.
 */
export function cookieNames (secure: boolean): { session: string, login: string, loginPath: string } {
  return secure
    ? { session: '__Host-sweatstack_session', login: '__Host-sweatstack_login', loginPath: '/' }
    : { session: 'sweatstack_session', login: 'sweatstack_login', loginPath: '/auth/sweatstack' }
}
/** How long a started sign-in may take before its state is forgotten. */
export const LOGIN_TTL_SECONDS = 600

/** Browsers drop a cookie whose name and value exceed 4096 bytes. */
export const COOKIE_LIMIT_BYTES = 4096

declare module 'fastify' {
  interface FastifyRequest {
    loginSession: Session<LoginSessionData>
    /** Throws a 500 problem when the session as it stands would be too large a cookie for browsers. */
    ensureSessionFits (): void
  }
}

/**
 * Two encrypted cookies (libsodium secretbox): `sweatstack_session` holds the signed-in user and tokens;
 * `sweatstack_login` holds pending sign-ins (state, PKCE verifier, return URL), is sent only to
 * /auth/sweatstack (to / on https, where both are `__Host-` cookies) and lives ten minutes. A cookie
 * that does not decrypt is simply no session.
 */
export default fp(async function session (fastify) {
  const { config } = fastify
  const secure = config.appUrl.startsWith('https://')
  const names = cookieNames(secure)
  await fastify.register(cookie)
  await fastify.register(secureSession, [
    {
      sessionName: 'session',
      cookieName: names.session,
      key: config.sessionKeys,
      // Expiry is enforced from `createdAt` inside the session; this is only a backstop.
      expiry: config.sessionMaxAgeSeconds + 3600,
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: config.sessionMaxAgeSeconds },
    },
    {
      sessionName: 'loginSession',
      cookieName: names.login,
      key: config.sessionKeys,
      expiry: LOGIN_TTL_SECONDS,
      cookie: { path: names.loginPath, httpOnly: true, sameSite: 'lax', secure, maxAge: LOGIN_TTL_SECONDS },
    },
  ])

  const cookieBytes = (value: string) => names.session.length + 1 + Buffer.byteLength(encodeURIComponent(value))
  fastify.decorateRequest('ensureSessionFits', function (this: FastifyRequest) {
    const bytes = cookieBytes(fastify.encodeSecureSession(this.session))
    if (bytes <= COOKIE_LIMIT_BYTES) return
    this.log.error({ bytes, limit: COOKIE_LIMIT_BYTES }, 'the session cookie would be too large for browsers; SweatStack\'s tokens are larger than expected')
    throw new ProblemError({
      status: 500,
      code: 'session_too_large',
      title: 'Session too large',
      detail: `The session would need a ${bytes}-byte cookie; browsers drop cookies over ${COOKIE_LIMIT_BYTES} bytes. Request fewer scopes or report this to the BFF's operators.`,
    })
  })
}, { name: 'session', dependencies: [] })
