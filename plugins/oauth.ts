import { randomBytes, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import oauth2 from '@fastify/oauth2'
import type { OAuth2Namespace } from '@fastify/oauth2'
import type { FastifyRequest } from 'fastify'
import type { PendingLogin } from '../src/session-data.ts'
import { LOGIN_TTL_SECONDS } from './session.ts'

declare module 'fastify' {
  interface FastifyInstance {
    sweatstackOAuth2: OAuth2Namespace
  }
}

export const CALLBACK_PATH = '/auth/sweatstack/callback'

/** The pending sign-in of this browser that `state` belongs to, if it is still fresh. */
export function findPendingLogin (request: FastifyRequest, state: unknown): PendingLogin | undefined {
  if (typeof state !== 'string' || state.length === 0 || state.length > 128) return undefined
  const now = request.server.now() / 1000
  const given = Buffer.from(state)
  return (request.loginSession.get('pending') ?? []).find(entry => {
    const expected = Buffer.from(entry.state)
    return entry.createdAt + LOGIN_TTL_SECONDS > now && expected.length === given.length && timingSafeEqual(expected, given)
  })
}

/**
 * @fastify/oauth2 builds the authorize URL (state, PKCE S256) and exchanges the code. Its state and
 * verifier are kept per sign-in inside the encrypted `sweatstack_login` cookie rather than in its own
 * plaintext, single-slot cookies, so several tabs can sign in at once (see routes/auth/sweatstack/login.ts).
 */
export default fp(async function oauth (fastify) {
  const { config } = fastify
  const base = new URL(config.sweatstackUrl)
  const basePath = base.pathname.replace(/\/$/, '')
  await fastify.register(oauth2, {
    name: 'sweatstackOAuth2',
    scope: config.scopes,
    credentials: {
      client: { id: config.clientId, secret: config.clientSecret },
      auth: {
        authorizeHost: base.origin,
        authorizePath: `${basePath}/oauth/authorize`,
        tokenHost: base.origin,
        tokenPath: `${basePath}/api/v1/oauth/token`,
      },
      options: { authorizationMethod: 'body' },
      http: { timeout: config.upstreamTimeoutMs, headers: { accept: 'application/json' } },
    },
    callbackUri: `${config.appUrl}${CALLBACK_PATH}`,
    ...(config.loginPrompt === undefined ? {} : { callbackUriParams: { prompt: config.loginPrompt } }),
    pkce: 'S256',
    generateStateFunction: () => randomBytes(32).toString('base64url'),
    checkStateFunction: (request: FastifyRequest) => findPendingLogin(request, (request.query as { state?: unknown }).state) !== undefined,
    cookie: { path: '/auth/sweatstack', httpOnly: true, sameSite: 'lax', secure: config.appUrl.startsWith('https://') },
    userAgent: 'sweatstack-bff/0.1',
  })
}, { name: 'oauth', dependencies: ['session'] })
