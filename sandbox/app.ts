import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { createControl } from './control.ts'
import type { SandboxControl } from './control.ts'
import { installErrorHandlers } from './errors.ts'
import { applyFault, takeFault } from './faults.ts'
import { installFormBodyParser } from './form-body.ts'
import { resolveOptions } from './options.ts'
import type { SandboxOptions } from './options.ts'
import { registerActivityRoutes } from './routes/activities.ts'
import { registerAuthorizeRoutes } from './routes/authorize.ts'
import { controlPrefix, registerControlRoutes } from './routes/control.ts'
import { registerIdentityRoutes } from './routes/identity.ts'
import { registerTokenRoutes } from './routes/token.ts'
import { createState } from './state.ts'

export type { SandboxOptions } from './options.ts'

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
  const control = createControl(state)

  const app = Fastify({
    logger: options.logger ?? false,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  })

  installErrorHandlers(app)
  installFormBodyParser(app)

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url)
    if (path === controlPrefix || path.startsWith(controlPrefix + '/')) return
    state.stats.requests++
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
  registerControlRoutes(app, control)

  app.decorate('sandbox', control)
  await app.ready()
  return app
}
