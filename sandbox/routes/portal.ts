import type { FastifyInstance } from 'fastify'
import { callerOf, requireCaller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendDetail, sendValidationError } from '../errors.ts'
import { randomToken } from '../grants.ts'
import { isAllowedRedirectUri } from '../redirect-uri.ts'
import { escapeHtml } from '../sign-in-page.ts'
import { issuerOf } from '../token-response.ts'

export const portalDestinations = ['manage-teams', 'manage-integrations'] as const
/** Portal sessions kept; the oldest are forgotten beyond this. */
const maxPortalSessions = 1000

const titles: Record<string, string> = { 'manage-teams': 'Manage teams', 'manage-integrations': 'Manage integrations' }

function portalPage (destination: string, returnUrl: string | null): string {
  const back = returnUrl === null
    ? '<p>You can close this page now.</p>'
    : `<p><a id="return" href="${escapeHtml(returnUrl)}">Back to the application</a></p>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SweatStack sandbox Portal</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><p>SweatStack sandbox</p><h1>${escapeHtml(titles[destination] ?? destination)}</h1>
<p>This stands in for the SweatStack Portal; nothing here changes anything.</p>
${back}</main></body></html>`
}

export default async function portal (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.post<{ Body: { destination: string, return_url?: string | null } }>('/api/v1/portal/sessions', {
    schema: { body: contractBody('PortalSessionRequest') },
    preValidation: requireCaller(state, null, { rejectDelegated: true }),
  }, async (request, reply) => {
    callerOf(request)
    const { destination, return_url: returnUrl } = request.body
    if (!(portalDestinations as readonly string[]).includes(destination)) {
      return sendValidationError(reply, [bodyIssue(['destination'], `Input should be ${portalDestinations.map((name) => `'${name}'`).join(' or ')}`, 'enum', destination)])
    }
    if (returnUrl != null && !isAllowedRedirectUri(returnUrl, state.options.redirectUris)) {
      return sendDetail(reply, 400, 'return_url is not registered for this application')
    }
    const id = randomToken(18)
    state.portalSessions.set(id, { destination, returnUrl: returnUrl ?? null })
    if (state.portalSessions.size > maxPortalSessions) {
      const oldest = state.portalSessions.keys().next().value
      if (oldest !== undefined) state.portalSessions.delete(oldest)
    }
    return { url: `${issuerOf(request)}/portal/${id}` }
  })

  fastify.get<{ Params: { sessionId: string } }>('/portal/:sessionId', async (request, reply) => {
    const session = state.portalSessions.get(request.params.sessionId)
    const html = reply.type('text/html; charset=utf-8').header('cache-control', 'no-store')
    if (session === undefined) return html.code(404).send(portalPage('Unknown Portal session', null))
    return html.send(portalPage(session.destination, session.returnUrl))
  })
}
