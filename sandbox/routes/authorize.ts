import type { FastifyInstance, FastifyReply } from 'fastify'
import { checkAuthorizeRequest, rawParams } from '../authorize-request.ts'
import type { AuthorizeRequest, RawParams } from '../authorize-request.ts'
import { redirectWith } from '../redirect-uri.ts'
import { errorPage, signInPage } from '../sign-in-page.ts'
import { findUser, sandboxUsers } from '../users.ts'

export default async function authorize (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  function showError (reply: FastifyReply, message: string): FastifyReply {
    return reply.code(400).type('text/html; charset=utf-8').send(errorPage(message))
  }

  function approve (reply: FastifyReply, request: AuthorizeRequest, userId: string): FastifyReply {
    const code = state.grants.issueCode({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      userId,
      codeChallenge: request.codeChallenge,
    })
    state.stats.authorizations++
    state.issued.add(code)
    const consentKey = `${request.clientId} ${userId}`
    state.consents.set(consentKey, new Set([...(state.consents.get(consentKey) ?? []), ...request.scopes]))
    return reply.redirect(redirectWith(request.redirectUri, { code, state: request.state }), 302)
  }

  function deny (reply: FastifyReply, request: AuthorizeRequest): FastifyReply {
    const location = redirectWith(request.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied access to the application',
      state: request.state,
    })
    return reply.redirect(location, 302)
  }

  /** Validates, then either answers (error page or error redirect) or hands the request to `next`. */
  function withValidRequest (reply: FastifyReply, params: RawParams, next: (request: AuthorizeRequest) => FastifyReply): FastifyReply {
    const check = checkAuthorizeRequest(params, state.options)
    if (check.kind === 'page') return showError(reply, check.message)
    if (check.kind === 'redirect') {
      const location = redirectWith(check.redirectUri, { error: check.error, error_description: check.description, state: check.state })
      return reply.redirect(location, 302)
    }
    return next(check.request)
  }

  function choose (reply: FastifyReply, request: AuthorizeRequest, userId: string): FastifyReply {
    if (findUser(userId) !== undefined) return approve(reply, request, userId)
    const known = sandboxUsers.map((user) => `${user.id} (${user.name})`).join(', ')
    return showError(reply, `Unknown sandbox user ${JSON.stringify(userId)}. Known users: ${known}.`)
  }

  /** OpenID Connect's `prompt=none`: no page is shown; without a prior consent the request fails. */
  function withoutInteraction (reply: FastifyReply, request: AuthorizeRequest, scripted: string | undefined): FastifyReply {
    const consented = scripted !== undefined && request.scopes.every(scope => state.consents.get(`${request.clientId} ${scripted}`)?.has(scope) === true)
    if (consented) return choose(reply, request, scripted)
    const [error, description] = scripted === undefined
      ? ['login_required', 'The user must sign in; prompt=none forbids showing the sign-in page']
      : ['consent_required', 'The user has not yet consented to this application; prompt=none forbids asking']
    return reply.redirect(redirectWith(request.redirectUri, { error, error_description: description, state: request.state }), 302)
  }

  fastify.get('/oauth/authorize', async (request, reply) => {
    const params = rawParams(request.query)
    return withValidRequest(reply, params, (authorizeRequest) => {
      // Sandbox-only shortcut for scripted sign-ins: approve (or deny) at once, without the page.
      const scripted = params.sandbox_user
      if (scripted === 'deny') return deny(reply, authorizeRequest)
      if (params.prompt === 'none' && state.config.promptNone === 'oidc') return withoutInteraction(reply, authorizeRequest, scripted)
      if (scripted !== undefined) return choose(reply, authorizeRequest, scripted)
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(signInPage(authorizeRequest.params, sandboxUsers, authorizeRequest.scopes))
    })
  })

  fastify.post('/oauth/authorize', async (request, reply) => {
    const params = rawParams(request.body)
    return withValidRequest(reply, params, (authorizeRequest) => {
      if (params.action === 'deny') return deny(reply, authorizeRequest)
      const userId = params.user_id
      if (userId === undefined || userId === '') return showError(reply, 'Choose a user to sign in as, or deny.')
      return choose(reply, authorizeRequest, userId)
    })
  })
}
