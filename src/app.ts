// The standalone server: a bare Fastify with the server-level settings (trust proxy, router, timeouts,
// access log, router-level refusals) and the BFF plugin (src/bff.ts) registered on it, configured from
// the environment. Nothing here is duplicated in the plugin.
import Fastify, { LogController } from 'fastify'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions, RouteOptions } from 'fastify'
import promptShutdown from '../plugins/app/prompt-shutdown.ts'
import { bff, requestId } from './bff.ts'
import type { Config } from './config.ts'
import { loggerOptions } from './logger.ts'

/**
 * One access-log line per request, written when it has been answered, with the request in it
 * (Fastify's default is two lines, one on arrival): half the logging cost of a proxied call at the
 * default level (bench/README.md).
 */
class AccessLog extends LogController {
  override incomingRequest (): void {}

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored')
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}

export interface BuildOptions {
  /** A pino logger, pino options, or false; defaults to JSON logs at the configured level. */
  logger?: FastifyServerOptions['logger']
  loggerInstance?: FastifyServerOptions['loggerInstance']
  /** Epoch ms; defaults to Date.now. Tests put the BFF and the sandbox on one pinned calendar. */
  now?: () => number
  /** Compile every route's validator at start instead of on its first call (a test proves they all compile). */
  eagerValidators?: boolean
  /** Sees every route as it is added (the route-table tests enumerate them this way). */
  onRoute?: (route: RouteOptions) => void
  /** Receives the BFF plugin's own instance, where its decorators are (the session codec, the SweatStack client...). */
  onPluginInstance?: (instance: FastifyInstance) => void
}

/** The whole BFF as a Fastify instance, not yet listening: the server, and the BFF plugin registered on it. */
export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const { trustProxy } = config
  // The plugin's own instance, which answers what the router refuses before any route is found.
  let plugin: FastifyInstance | undefined
  const serverOptions: FastifyServerOptions = {
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: false,
    logController: new AccessLog(),
    // The plugin sets the same for its routes; this one names the requests the router refuses.
    genReqId: requestId,
    bodyLimit: 1024 * 1024,
    connectionTimeout: 0,
    keepAliveTimeout: 72_000,
    requestTimeout: 120_000,
    return503OnClosing: true,
    frameworkErrors: (error, request, reply) => plugin!.answerFrameworkError(error, request, reply),
  }
  if (options.loggerInstance) serverOptions.loggerInstance = options.loggerInstance
  else serverOptions.logger = options.logger ?? loggerOptions(config.logLevel)
  const app = Fastify(serverOptions)

  await app.register(promptShutdown)
  await app.register(bff, {
    config,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.eagerValidators === undefined ? {} : { eagerValidators: options.eagerValidators }),
    ...(options.onRoute === undefined ? {} : { onRoute: options.onRoute }),
    onInstance: instance => {
      plugin = instance
      options.onPluginInstance?.(instance)
    },
  })
  return app
}
