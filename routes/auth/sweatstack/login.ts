import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { fetchDisplayName, identityFromTokens } from '../../../plugins/auth.ts'
import { findPendingLogin } from '../../../plugins/oauth.ts'
import { LOGIN_TTL_SECONDS } from '../../../plugins/session.ts'
import { safeRedirectTarget, withQueryParameter } from '../../../src/redirect-target.ts'
import { problemResponses, redirect } from '../../../src/schemas/problem.ts'
import type { PendingLogin } from '../../../src/session-data.ts'
import type { TokenResponse } from '../../../src/sweatstack-client.ts'

/** At most this many sign-ins may be pending in one browser (one per tab); the oldest is dropped. */
const MAX_PENDING_LOGINS = 3
/** Longer return URLs fall back to the frontend's root, to keep the login cookie small. */
const MAX_NEXT_LENGTH = 600
const VERIFIER_COOKIE = 'oauth2-code-verifier'
/** OpenID Connect's answers to `prompt=none` when the user has to see a page. */
const NEEDS_THE_USER = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required'])

/** GET /auth/sweatstack/login and /callback: the OAuth authorization-code flow with PKCE. */
const login: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config } = fastify
  const allowedOrigins = [config.appOrigin, ...config.frontendOrigins]
  const fallback = `${config.frontendOrigins[0]}/`

  fastify.get('/login', {
    schema: {
      tags: ['auth'],
      operationId: 'login',
      summary: 'Start signing in with SweatStack',
      description: 'Navigate the browser here (not fetch). Redirects to SweatStack\'s sign-in; afterwards the browser comes back to `next`. ' +
        '`next` must be on APP_URL or a FRONTEND_ORIGINS origin, otherwise the first frontend origin is used. Several tabs may sign in at once.',
      querystring: Type.Object({
        next: Type.Optional(Type.String({ description: 'Where to return after signing in: an absolute URL on an allowed origin, or a path on the first frontend origin.', examples: ['http://localhost:5173/activities'] })),
      }),
      security: [],
      response: { 302: redirect('To SweatStack\'s authorize page.'), ...problemResponses(429) },
    },
  }, async (request, reply) => {
    const next = safeRedirectTarget(request.query.next, allowedOrigins, fallback, MAX_NEXT_LENGTH)
    return reply.redirect(await startSignIn(request, next, config.loginPrompt), 302)
  })

  /** A new pending sign-in (state, PKCE verifier, where to return); answers the authorize URL to send the browser to. */
  async function startSignIn (request: FastifyRequest, next: string, prompt: string | undefined, replacing?: PendingLogin): Promise<string> {
    // @fastify/oauth2 hands the state and PKCE verifier to reply.setCookie; keep them per sign-in in the
    // encrypted login cookie instead, where a second tab cannot overwrite them.
    const captured = new Map<string, string>()
    const capturingReply = { setCookie: (name: string, value: string) => captured.set(name, value) } as unknown as FastifyReply
    const authorizeUrl = new URL(await fastify.sweatstackOAuth2.generateAuthorizationUri(request, capturingReply))
    const state = authorizeUrl.searchParams.get('state')
    const verifier = captured.get(VERIFIER_COOKIE)
    if (state === null || verifier === undefined) throw new Error('@fastify/oauth2 gave no state or PKCE verifier')
    if (prompt === undefined) authorizeUrl.searchParams.delete('prompt')

    const now = Math.floor(fastify.now() / 1000)
    const stillPending = (request.loginSession.get('pending') ?? []).filter(entry => entry.createdAt + LOGIN_TTL_SECONDS > now && entry.state !== replacing?.state)
    request.loginSession.set('pending', [...stillPending.slice(-(MAX_PENDING_LOGINS - 1)), { state, verifier, next, createdAt: now, ...(prompt === undefined ? {} : { prompt }) }])
    return authorizeUrl.href
  }

  fastify.get('/callback', {
    schema: {
      tags: ['auth'],
      operationId: 'loginCallback',
      summary: 'SweatStack sends the browser back here',
      description: 'Register `APP_URL/auth/sweatstack/callback` as the redirect URI of your SweatStack app. On success: a fresh session and a redirect to `next`. ' +
        'On any failure: a redirect to the frontend with `auth_error=<code>` (`access_denied`, `invalid_state`, `missing_code`, `token_exchange_failed`, `sweatstack_unavailable`, `session_too_large`).',
      querystring: Type.Object({
        code: Type.Optional(Type.String({ description: 'The authorization code SweatStack issued, exchanged here for tokens (with the PKCE verifier and the client secret).' })),
        state: Type.Optional(Type.String({ description: 'The state this browser\'s sign-in was started with; anything else is refused (`invalid_state`).' })),
        error: Type.Optional(Type.String({ description: 'SweatStack\'s OAuth error, e.g. `access_denied` when the user declined.' })),
        error_description: Type.Optional(Type.String({ description: 'SweatStack\'s explanation of `error`; logged, never shown.' })),
      }),
      security: [],
      response: { 302: redirect('To `next`, or to the frontend with `auth_error`.'), ...problemResponses(429) },
    },
  }, async (request, reply) => {
    const { query } = request
    const pending = findPendingLogin(request, query.state)
    const fail = (code: string, reason: string, target = pending?.next ?? fallback) => {
      request.log.warn({ authError: code, reason }, 'sign-in failed')
      return reply.redirect(withQueryParameter(target, 'auth_error', code), 302)
    }
    if (pending === undefined) return fail('invalid_state', 'no pending sign-in in this browser matches the state (expired, used, or started elsewhere)', fallback)

    if (query.error !== undefined) {
      // SweatStack's clients send prompt=none to skip a consent already given; a server reading it as
      // OpenID Connect does answers a first-time user with one of these. Ask once more, with the page.
      if (pending.prompt === 'none' && NEEDS_THE_USER.has(query.error)) {
        request.log.info({ authError: query.error }, 'SweatStack needs the user to sign in or consent: asking again without prompt=none')
        return reply.redirect(await startSignIn(request, pending.next, undefined, pending), 302)
      }
      forgetPendingLogin(request, pending)
      const code = /^[a-z_]{1,64}$/.test(query.error) ? query.error : 'authorization_failed'
      return fail(code, `SweatStack answered ${code}`)
    }
    if (query.code === undefined || query.code === '') {
      forgetPendingLogin(request, pending)
      return fail('missing_code', 'the callback has no code')
    }

    let tokens: TokenResponse
    try {
      // The plugin checks the state again (checkStateFunction) and reads the verifier from this cookie.
      request.cookies[VERIFIER_COOKIE] = pending.verifier
      const result = await fastify.sweatstackOAuth2.getAccessTokenFromAuthorizationCodeFlow(request)
      tokens = result.token as unknown as TokenResponse
    } catch (error) {
      const { status, oauthError } = describeTokenError(error)
      const code = status === undefined || status >= 500 ? 'sweatstack_unavailable' : 'token_exchange_failed'
      const cause = status ?? (error as { code?: string }).code ?? (error as Error).message
      return fail(code, `the token exchange failed: ${cause}${oauthError ? ` ${oauthError}` : ''}`)
    } finally {
      forgetPendingLogin(request, pending)
    }
    let identity
    try {
      identity = identityFromTokens(tokens, fastify.now())
    } catch (error) {
      return fail('token_exchange_failed', `SweatStack's access token is unusable: ${(error as Error).message}`)
    }
    identity.name = await fetchDisplayName(request, identity)

    const now = fastify.now()
    request.session.regenerate()
    request.session.set('sid', randomBytes(16).toString('base64url'))
    request.session.set('principal', identity)
    request.session.set('createdAt', now)
    request.session.set('lastSeenAt', now)
    try {
      request.ensureSessionFits()
    } catch {
      request.session.delete()
      return fail('session_too_large', 'SweatStack\'s tokens do not fit in a browser cookie')
    }
    request.log.info({ userId: identity.userId }, 'signed in')
    return reply.redirect(pending.next, 302)
  })
}

function forgetPendingLogin (request: FastifyRequest, used: PendingLogin): void {
  const rest = (request.loginSession.get('pending') ?? []).filter(entry => entry.state !== used.state)
  if (rest.length === 0) request.loginSession.delete()
  else request.loginSession.set('pending', rest)
}

/** simple-oauth2 errors are Boom errors carrying the HTTP status and the parsed body. */
function describeTokenError (error: unknown): { status?: number, oauthError?: string } {
  const boom = error as { output?: { statusCode?: number }, data?: { payload?: unknown }, isBoom?: boolean }
  if (!boom?.isBoom) return {}
  const payload = boom.data?.payload as { error?: unknown } | undefined
  const status = boom.output?.statusCode
  return {
    ...(status === undefined ? {} : { status }),
    ...(typeof payload?.error === 'string' ? { oauthError: payload.error } : {}),
  }
}

export default login
