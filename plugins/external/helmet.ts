import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { HelmetOptions } from 'helmet'

declare module 'fastify' {
  interface FastifyInstance {
    /** The security headers of every answer, computed once at start. */
    securityHeaders: Record<string, string>
  }
}

/** The headers a helmet middleware sets, read off once with a stand-in response. */
function headersOf (options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: string) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()] },
  }
  helmet(options)({} as never, response as never, () => {})
  return headers
}

/**
 * Security headers, from helmet. The API answers JSON and Parquet, so its CSP forbids everything;
 * Swagger UI at /docs replaces it with its own hash-based CSP (see plugins/external/swagger.ts).
 * @fastify/helmet builds a helmet middleware afresh on every request (its CSP parsed each time), which
 * cost about a tenth of a proxied call; the headers depend only on the configuration, so they are
 * computed once here and set with one hook (bench/README.md).
 */
export default fp(async function securityHeaders (fastify) {
  const headers = headersOf({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    strictTransportSecurity: fastify.config.appUrl.startsWith('https://') ? { maxAge: 31_536_000 } : false,
  })
  fastify.decorate('securityHeaders', headers)
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}, { name: 'helmet' })
