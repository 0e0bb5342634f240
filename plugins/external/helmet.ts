import fp from 'fastify-plugin'
import fastifyHelmet from '@fastify/helmet'
import type { FastifyHelmetOptions } from '@fastify/helmet'
import helmet from 'helmet'

declare module 'fastify' {
  interface FastifyInstance {
    /** The headers helmet sets on every answer, computed once, for answers that no route makes (framework errors). */
    securityHeaders: Record<string, string>
  }
}

/** The headers a helmet middleware sets, read off once with a stand-in response. */
function headersOf (options: FastifyHelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: string) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()] },
  }
  // The same helmet @fastify/helmet wraps; its types come in two copies (ESM and CommonJS).
  helmet(options as Parameters<typeof helmet>[0])({} as never, response as never, () => {})
  return headers
}

/**
 * Security headers. The API answers JSON and Parquet, so its CSP forbids everything; Swagger UI at
 * /docs sends its own hash-based CSP (see plugins/external/swagger.ts).
 */
export default fp(async function securityHeaders (fastify) {
  const options: FastifyHelmetOptions = {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    hsts: fastify.config.appUrl.startsWith('https://') ? { maxAge: 31_536_000 } : false,
  }
  await fastify.register(fastifyHelmet, options)
  fastify.decorate('securityHeaders', headersOf(options))
}, { name: 'helmet' })
