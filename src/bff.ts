// The BFF as one encapsulated Fastify plugin, configured with a Config: what the standalone server
// (src/app.ts) registers on a bare Fastify, and what the package's plugin (src/plugin.ts) registers in a
// host app. Everything it sets is its own: validators, serializer, request ids, hooks, error and
// not-found handlers, CORS, security headers, rate limits. Nothing leaks to the instance it is
// registered on.
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import type { FastifyInstance, FastifyRequest, RawRequestDefaultExpression, RouteOptions } from 'fastify'
import AjvCompiler from '@fastify/ajv-compiler'
import autoload from '@fastify/autoload'
import type { Config } from './config.ts'
import { routeFileWanted } from './route-groups.ts'
import type { RouteGroups } from './route-groups.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    /** The clock for everything compared with a calendar time (token expiry, session limits, webhook windows), epoch ms. */
    now: () => number
  }
}

export interface BffOptions {
  config: Config
  /** Which route groups to serve; default all of them. */
  routes?: RouteGroups
  /**
   * Registered in a host app (src/plugin.ts): without a prefix, unknown URLs are then the host's to
   * answer. The standalone server leaves it unset.
   */
  hosted?: boolean
  /** Epoch ms; defaults to Date.now. */
  now?: () => number
  /** Compile every route's validator at start instead of on its first call (a test proves they all compile). */
  eagerValidators?: boolean
  /** Sees every route as it is added (the route-table tests enumerate them this way). */
  onRoute?: (route: RouteOptions) => void
  /** Receives the plugin's own instance once it is loaded (where its decorators are). */
  onInstance?: (instance: FastifyInstance) => void
}

const root = path.join(import.meta.dirname, '..')
const ajvCompilers = AjvCompiler()
const ajvOptions = { removeAdditional: false, useDefaults: true, allErrors: true } as const
const REQUEST_ID = /^[\w.:-]{1,128}$/
/** Autoloaded files are .ts in development and .js (beside .d.ts) once built. */
const NOT_CODE = /\.d\.ts$/

/** The request id: the caller's `X-Request-Id` when it is a sensible one, else a fresh UUID. */
export function requestId (request: RawRequestDefaultExpression): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}

type Validator = ((data: unknown, context?: unknown) => boolean) & { errors?: unknown, schemaEnv?: unknown }
type RouteSchema = { schema: unknown, httpPart?: string }
type Compile = (routeSchema: RouteSchema) => Validator

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

/**
 * Query strings and paths are text, so their values are coerced ("50" → 50, one value → [value]); JSON
 * bodies are taken as they are: a wrong type is a 400, never silently changed. The shared schemas
 * (SweatStack's models, Problem) are this plugin's own, read when the first validator is compiled.
 */
function validatorCompiler (fastify: FastifyInstance, eager: boolean): Compile {
  let compilers: { lenient: Compile, strict: Compile } | undefined
  const pick = (routeSchema: RouteSchema): Validator => {
    const schemas = fastify.getSchemas() as never
    compilers ??= {
      lenient: ajvCompilers(schemas, { customOptions: { ...ajvOptions, coerceTypes: 'array' }, plugins: [] }) as unknown as Compile,
      strict: ajvCompilers(schemas, { customOptions: { ...ajvOptions, coerceTypes: false }, plugins: [] }) as unknown as Compile,
    }
    return (routeSchema.httpPart === 'body' ? compilers.strict : compilers.lenient)(routeSchema)
  }
  return eager ? pick : routeSchema => compiledOnFirstUse(() => pick(routeSchema))
}

/** The whole BFF, in the encapsulation context it is registered in (plugins first, then routes). */
export async function bff (fastify: FastifyInstance, options: BffOptions): Promise<void> {
  const groups: Required<RouteGroups> = { api: true, events: true, webhooks: true, docs: true, ...options.routes }
  const basePath = fastify.prefix.replace(/\/$/, '')
  // Every URL it makes (the OAuth redirect URI, cookie paths, Swagger UI's) is under its prefix.
  const config: Config = basePath === '' ? options.config : { ...options.config, appUrl: options.config.appUrl + basePath, basePath }

  fastify.setValidatorCompiler(validatorCompiler(fastify, options.eagerValidators === true) as never)
  // Every answer with a body is either SweatStack's bytes, a problem string, or a small object built
  // field by field (/auth/sweatstack/user, /health): JSON.stringify serves them all, and building
  // fast-json-stringify serializers for the large documented response schemas would dominate start-up.
  fastify.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data))
  fastify.setGenReqId(requestId)
  fastify.decorate('config', config)
  fastify.decorate('now', options.now ?? Date.now)
  if (options.onRoute !== undefined) fastify.addHook('onRoute', options.onRoute)
  fastify.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  // As fastify/demo: the ecosystem's plugins configured, then this app's decorators, then the routes.
  // Swagger only with the docs; prompt-shutdown is the server's business (src/app.ts registers it).
  await fastify.register(autoload, {
    dir: path.join(root, 'plugins/external'),
    forceESM: true,
    ignorePattern: NOT_CODE,
    ignoreFilter: (file: string) => !groups.docs && /^\/swagger\.(?:ts|js)$/.test(file),
  })
  await fastify.register(autoload, {
    dir: path.join(root, 'plugins/app'),
    forceESM: true,
    ignorePattern: NOT_CODE,
    ignoreFilter: (file: string) => /^\/prompt-shutdown\.(?:ts|js)$/.test(file),
    options: { notFoundHandler: options.hosted !== true || basePath !== '' },
  })
  await fastify.register(autoload, {
    dir: path.join(root, 'routes'),
    forceESM: true,
    ignorePattern: NOT_CODE,
    ignoreFilter: (file: string) => !routeFileWanted(groups, file),
    autoHooks: true,
    cascadeHooks: true,
  })
  options.onInstance?.(fastify)
}
