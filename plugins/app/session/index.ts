import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import oauth2 from '@fastify/oauth2'
import type { OAuth2Namespace } from '@fastify/oauth2'
import secureSession from '@fastify/secure-session'
import type { Session, SessionData } from '@fastify/secure-session'
import type { FastifyRequest } from 'fastify'
import { SessionRevocations } from '../../../src/session-revocations.ts'
import { TokenRefresher } from '../../../src/token-refresher.ts'
import { SessionDoor } from './door.ts'
import type { AuthorizationCodeClient, SessionContext } from './door.ts'
import type { LoginSessionData } from './session-data.ts'
import { CALLBACK_PATH, LOGIN_TTL_SECONDS } from './sign-in.ts'
import type { SweatStackSession } from './types.ts'

export type { SessionIdentity, SessionInfo, StreamScope, SweatStackSession, TokenOwner } from './types.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Signed-out sessions, shared by every replica. */
    sessionRevocations: SessionRevocations
    sweatstackOAuth2: OAuth2Namespace
    /**
     * The session door for a request to one of a host app's own routes (src/plugin.ts decorates the
     * host's requests with it): it reads the session cookie itself, since no hook of the plugin runs there.
     */
    sessionDoorForHostRoute (request: FastifyRequest): SweatStackSession
  }
  interface FastifyRequest {
    // `sweatstack`, the session door, is declared in ./types.ts (the package's types include it).
    // The two cookies, decrypted by @fastify/secure-session; named so as not to meet a host app's
    // own `request.session` (@fastify/session, @fastify/secure-session).
    sweatstackSession: Session<SessionData>
    sweatstackLogin: Session<LoginSessionData>
  }
}

const DOOR = Symbol('sweatstack session door')

/**
 * The cookies' names and paths. On https they take the `__Host-` prefix, which browsers accept only when
 * Secure, with Path=/ and no Domain: a sibling subdomain cannot then toss in a cookie that shadows them.
 */
function cookieNames (secure: boolean, basePath: string): { session: string, login: string, loginPath: string } {
  return secure
    ? { session: '__Host-sweatstack_session', login: '__Host-sweatstack_login', loginPath: '/' }
    : { session: 'sweatstack_session', login: 'sweatstack_login', loginPath: `${basePath}/auth/sweatstack` }
}

/**
 * The session behind one door. Two encrypted cookies (libsodium secretbox, @fastify/secure-session):
 * `sweatstack_session` holds the signed-in user and tokens; `sweatstack_login` holds pending sign-ins
 * (state, PKCE verifier, return URL) and lives ten minutes. A cookie that does not decrypt is simply no
 * session. Routes and plugins use `request.sweatstack` and never touch session keys.
 */
export default fp(async function session (fastify) {
  const { config } = fastify
  const secure = config.appUrl.startsWith('https://')
  const names = cookieNames(secure, config.basePath)
  // A host app may have registered @fastify/cookie already.
  if (!fastify.hasRequestDecorator('cookies')) await fastify.register(cookie)
  await fastify.register(secureSession, [
    {
      sessionName: 'sweatstackSession',
      cookieName: names.session,
      key: config.sessionKeys,
      // Expiry is enforced from `createdAt` inside the session; this is only a backstop.
      expiry: config.sessionMaxAgeSeconds + 3600,
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: config.sessionMaxAgeSeconds },
    },
    {
      sessionName: 'sweatstackLogin',
      cookieName: names.login,
      key: config.sessionKeys,
      expiry: LOGIN_TTL_SECONDS,
      cookie: { path: names.loginPath, httpOnly: true, sameSite: 'lax', secure, maxAge: LOGIN_TTL_SECONDS },
    },
  ])

  const base = new URL(config.sweatstackUrl)
  const basePath = base.pathname.replace(/\/$/, '')
  await fastify.register(oauth2, {
    name: 'sweatstackOAuth2',
    scope: config.scopes,
    credentials: {
      client: { id: config.clientId, secret: config.clientSecret },
      auth: { authorizeHost: base.origin, authorizePath: `${basePath}/oauth/authorize`, tokenHost: base.origin, tokenPath: `${basePath}/api/v1/oauth/token` },
      options: { authorizationMethod: 'body' },
      http: { timeout: config.upstreamTimeoutMs, headers: { accept: 'application/json' } },
    },
    callbackUri: `${config.appUrl}${CALLBACK_PATH}`,
    pkce: 'S256',
    userAgent: 'sweatstack-bff/0.1',
  })

  const revocations = new SessionRevocations(fastify.sharedState, fastify.now)
  fastify.decorate('sessionRevocations', revocations)
  const context: SessionContext = {
    config,
    now: fastify.now,
    client: fastify.sweatstack,
    refresher: new TokenRefresher((refreshToken, requestId) => fastify.sweatstack.refresh(refreshToken, requestId), fastify.sharedState, config.sessionKeys[0]!),
    revocations,
    oauth: (fastify.sweatstackOAuth2 as unknown as { oauth2: AuthorizationCodeClient }).oauth2,
    cookieBytes: (session: Session) => names.session.length + 1 + Buffer.byteLength(encodeURIComponent(fastify.encodeSecureSession(session))),
  }
  // The door is made on first use and kept in a slot every request is created with (a WeakMap keyed
  // by requests cost the garbage collector on every request: bench/README.md).
  fastify.decorateRequest(DOOR, null)
  fastify.decorateRequest('sweatstack', {
    getter (this: FastifyRequest) {
      const request = this as FastifyRequest & { [DOOR]: SessionDoor | null }
      return (request[DOOR] ??= new SessionDoor(this, context))
    },
  })

  // A host app's own routes run none of this plugin's hooks: the session cookie is read when first asked for,
  // from the cookies the host's @fastify/cookie parsed if it has one there, else from the header.
  const readSessionCookie = (request: FastifyRequest): Session => {
    const cookies = (request as { cookies?: Record<string, string | undefined> | null }).cookies ?? fastify.parseCookie(request.headers.cookie ?? '')
    const value = cookies[names.session]
    return (value === undefined ? null : fastify.decodeSecureSession(value, request.log)) ?? fastify.createSecureSession({})
  }
  fastify.decorate('sessionDoorForHostRoute', (request: FastifyRequest) => new SessionDoor(request, context, () => readSessionCookie(request)))
}, { name: 'session', dependencies: ['shared-state', 'sweatstack-client'] })
