import { randomUUID } from 'node:crypto'
import path from 'node:path'
import Fastify, { LogController } from 'fastify'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions, RouteOptions } from 'fastify'
import AjvCompiler from '@fastify/ajv-compiler'
import autoload from '@fastify/autoload'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.ts'
import { loggerOptions } from './logger.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    /** The clock for everything compared with a calendar time (token expiry, session limits, webhook windows), epoch ms. */
    now: () => number
  }
}

const root = path.join(import.meta.dirname, '..')
const ajvCompilers = AjvCompiler()
const ajvOptions = { removeAdditional: false, useDefaults: true, allErrors: true } as const
const REQUEST_ID = /^[\w.:-]{1,128}$/

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

type Validator = ((data: unknown, context?: unknown) => boolean) & { errors?: unknown, schemaEnv?: unknown }

/**
 * A route's validator, compiled by Ajv when the route is first called rather than at start: compiling
 * all ~200 of them took a fifth of the start-up, and most deployments call a handful of routes
 * (bench/README.md). Every route's schema is still compiled by the tests (test/routes/contract.test.ts).
 */
function compiledOnFirstUse (compile: () => Validator): Validator {
  let compiled: Validator | undefined
  const validate: Validator = (data, context) => {
    compiled ??= compile()
    const valid = compiled(data, context)
    validate.errors = compiled.errors
    return valid
  }
  // Fastify passes the parent object (so Ajv can coerce a root value) only to validators that have this.
  validate.schemaEnv = true
  return validate
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
}

/** The whole BFF as a Fastify instance, not yet listening: plugins first, then routes. */
export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const { trustProxy } = config
  const serverOptions: FastifyServerOptions = {
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: false,
    logController: new AccessLog(),
    genReqId (request) {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    bodyLimit: 1024 * 1024,
    connectionTimeout: 0,
    keepAliveTimeout: 72_000,
    requestTimeout: 120_000,
    return503OnClosing: true,
    frameworkErrors: (error, request, reply) => app.answerFrameworkError(error, request, reply),
    schemaController: {
      compilersFactory: {
        // Query strings and paths are text, so their values are coerced ("50" → 50, one value → [value]);
        // JSON bodies are taken as they are: a wrong type is a 400, never silently changed.
        buildValidator (externalSchemas, ajvServerOptions) {
          const plugins = (ajvServerOptions as { plugins?: never[] } | undefined)?.plugins ?? []
          const lenient = ajvCompilers(externalSchemas, { customOptions: { ...ajvOptions, coerceTypes: 'array' }, plugins })
          const strict = ajvCompilers(externalSchemas, { customOptions: { ...ajvOptions, coerceTypes: false }, plugins })
          const compile = (routeSchema: { httpPart?: string }) => (routeSchema.httpPart === 'body' ? strict : lenient)(routeSchema as never)
          if (options.eagerValidators === true) return compile
          return (routeSchema: { httpPart?: string }) => compiledOnFirstUse(() => (routeSchema.httpPart === 'body' ? strict : lenient)(routeSchema as never) as unknown as Validator) as never
        },
      },
    },
  }
  if (options.loggerInstance) serverOptions.loggerInstance = options.loggerInstance
  else serverOptions.logger = options.logger ?? loggerOptions(config.logLevel)
  const app = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>()

  // Every answer with a body is either SweatStack's bytes, a problem string, or a small object built
  // field by field (/auth/sweatstack/user, /health): JSON.stringify serves them all, and building
  // fast-json-stringify serializers for the large documented response schemas would dominate start-up.
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data))
  app.decorate('config', config)
  app.decorate('now', options.now ?? Date.now)
  if (options.onRoute !== undefined) app.addHook('onRoute', options.onRoute)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  // As fastify/demo: the ecosystem's plugins configured, then this app's decorators, then the routes.
  for (const room of ['plugins/external', 'plugins/app']) {
    await app.register(autoload, { dir: path.join(root, room), forceESM: true, ignorePattern: /\.d\.ts$/ })
  }
  await app.register(autoload, { dir: path.join(root, 'routes'), forceESM: true, ignorePattern: /\.d\.ts$/, autoHooks: true, cascadeHooks: true })
  return app
}
