import { randomUUID } from 'node:crypto'
import AjvCompiler from '@fastify/ajv-compiler'
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
import activities from './routes/activities.ts'
import activityData from './routes/activity-data.ts'
import appMetadata from './routes/app-metadata.ts'
import authorize from './routes/authorize.ts'
import backfill from './routes/backfill.ts'
import controlApi, { controlPrefix } from './routes/control.ts'
import dailies from './routes/dailies.ts'
import delegation from './routes/delegation.ts'
import identity from './routes/identity.ts'
import longitudinal from './routes/longitudinal.ts'
import portal from './routes/portal.ts'
import profile from './routes/profile.ts'
import teams from './routes/teams.ts'
import tests from './routes/tests.ts'
import token from './routes/token.ts'
import traces from './routes/traces.ts'
import upload from './routes/upload.ts'
import users from './routes/users.ts'
import workouts from './routes/workouts.ts'
import { createState } from './state.ts'
import type { SandboxState } from './state.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The sandbox's whole state (users, grants, data, config, counters), shared by its route plugins. */
    sandboxState: SandboxState
  }
}

export type { SandboxOptions } from './options.ts'

/** List endpoints FastAPI declares with a trailing slash: without it, it answers 307 to the slashed path. */
const slashedCollections = ['/api/v1/traces', '/api/v1/tests', '/api/v1/users', '/api/v1/teams', '/api/v1/profile/sports', '/api/v1/profile/tags']

function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query < 0 ? url : url.slice(0, query)
}

/**
 * Validators compiled once per process and shared by every sandbox it builds (the contract's schemas are
 * the same objects each time): compiling them took about 50 ms per start, and the suite starts 270.
 */
const sharedValidators = AjvCompiler()

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
    // A stand-in: closing drops every connection at once, unused ones included, rather than waiting.
    forceCloseConnections: true,
    // Bodies are validated against the contract's schemas without coercion, like pydantic's strict
    // JSON parsing of numbers and strings; the contract's annotations are not Ajv keywords.
    ajv: { customOptions: { coerceTypes: false, strict: false } },
    schemaController: { compilersFactory: { buildValidator: sharedValidators } },
  })

  app.decorate('sandboxState', state)
  app.decorate('sandbox', control)
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

  // The route plugins, each an encapsulated child of this app: they inherit the hooks, handlers,
  // parsers and schemas above, and reach the state and control operations through decorators.
  app.register(authorize)
  app.register(token)
  app.register(identity)
  app.register(activities)
  app.register(activityData)
  app.register(longitudinal)
  app.register(upload)
  app.register(backfill)
  app.register(traces)
  app.register(tests)
  app.register(appMetadata)
  app.register(dailies)
  app.register(profile)
  app.register(users)
  app.register(teams)
  app.register(delegation)
  app.register(portal)
  app.register(workouts)
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
  app.register(controlApi)
  app.addHook('onClose', async () => {
    for (const timer of state.timers) clearTimeout(timer)
    state.timers.clear()
  })

  await app.ready()
  return app
}
