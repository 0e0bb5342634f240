import { randomUUID } from 'node:crypto'
import multipart from '@fastify/multipart'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { installContractSchemas } from './contract.ts'
import { createControl } from './control.ts'
import { WebhookSender } from './webhooks.ts'
import type { SandboxControl } from './control.ts'
import { installErrorHandlers } from './errors.ts'
import { applyFault, takeFault } from './faults.ts'
import { installFormBodyParser } from './form-body.ts'
import { resolveOptions } from './options.ts'
import type { SandboxOptions } from './options.ts'
import { registerActivityDataRoutes } from './routes/activity-data.ts'
import { registerActivityRoutes } from './routes/activities.ts'
import { registerAppMetadataRoutes } from './routes/app-metadata.ts'
import { registerAuthorizeRoutes } from './routes/authorize.ts'
import { registerBackfillRoutes } from './routes/backfill.ts'
import { controlPrefix, registerControlRoutes } from './routes/control.ts'
import { registerDailyRoutes } from './routes/dailies.ts'
import { registerDelegationRoutes } from './routes/delegation.ts'
import { registerIdentityRoutes } from './routes/identity.ts'
import { registerLongitudinalRoutes } from './routes/longitudinal.ts'
import { registerPortalRoutes } from './routes/portal.ts'
import { registerProfileRoutes } from './routes/profile.ts'
import { registerTeamRoutes } from './routes/teams.ts'
import { registerTestRoutes } from './routes/tests.ts'
import { registerTokenRoutes } from './routes/token.ts'
import { registerTraceRoutes } from './routes/traces.ts'
import { registerUploadRoutes } from './routes/upload.ts'
import { registerUserRoutes } from './routes/users.ts'
import { registerWorkoutRoutes } from './routes/workouts.ts'
import { createState } from './state.ts'

export type { SandboxOptions } from './options.ts'

/** List endpoints FastAPI declares with a trailing slash: without it, it answers 307 to the slashed path. */
const slashedCollections = ['/api/v1/traces', '/api/v1/tests', '/api/v1/users', '/api/v1/teams', '/api/v1/profile/sports', '/api/v1/profile/tags']

function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query < 0 ? url : url.slice(0, query)
}

/** The control operations of an app made by `buildSandbox` (the same as the `/__sandbox/*` routes). */
export function sandboxControl (app: FastifyInstance): SandboxControl {
  return app.getDecorator<SandboxControl>('sandbox')
}

/** The SweatStack stand-in as a Fastify app, ready but not listening; `app.sandbox` holds its control operations. */
export async function buildSandbox (options: SandboxOptions = {}): Promise<FastifyInstance> {
  const resolved = resolveOptions(options)
  const state = await createState(resolved)
  const control = createControl(state, new WebhookSender(state, options.webhooks ?? null))

  const app = Fastify({
    logger: options.logger ?? false,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Bodies are validated against the contract's schemas without coercion, like pydantic's strict
    // JSON parsing of numbers and strings; the contract's annotations are not Ajv keywords.
    ajv: { customOptions: { coerceTypes: false, strict: false } },
  })

  installErrorHandlers(app)
  installFormBodyParser(app)
  installContractSchemas(app)
  // Upload parts are streamed and discarded, so no size limit applies to a file.
  await app.register(multipart, { limits: { fileSize: Number.POSITIVE_INFINITY, files: 1000, fields: 100 } })

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url)
    if (path === controlPrefix || path.startsWith(controlPrefix + '/')) return
    state.stats.requests++
    state.received.push(`${request.method} ${request.raw.url}`)
    if (state.received.length > 1000) state.received.splice(0, state.received.length - 1000)
    const fault = takeFault(state.faults, request.method, path)
    if (fault !== undefined && await applyFault(fault, request, reply)) return reply
  })

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  registerAuthorizeRoutes(app, state)
  registerTokenRoutes(app, state)
  registerIdentityRoutes(app, state)
  registerActivityRoutes(app, state)
  registerActivityDataRoutes(app, state)
  registerLongitudinalRoutes(app, state)
  registerUploadRoutes(app, state)
  registerBackfillRoutes(app, state)
  registerTraceRoutes(app, state)
  registerTestRoutes(app, state)
  registerAppMetadataRoutes(app, state)
  registerDailyRoutes(app, state)
  registerProfileRoutes(app, state)
  registerUserRoutes(app, state)
  registerTeamRoutes(app, state)
  registerDelegationRoutes(app, state)
  registerPortalRoutes(app, state)
  registerWorkoutRoutes(app, state)
  for (const path of slashedCollections) {
    app.route({
      method: ['GET', 'POST'],
      url: path,
      handler: async (request, reply) => {
        const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
        return reply.redirect(path + '/' + search, 307)
      },
    })
  }
  registerControlRoutes(app, control, state)
  app.addHook('onClose', async () => {
    for (const timer of state.timers) clearTimeout(timer)
    state.timers.clear()
  })

  app.decorate('sandbox', control)
  await app.ready()
  return app
}
