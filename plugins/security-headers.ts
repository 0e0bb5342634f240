import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'

/**
 * Security headers. The API answers JSON and Parquet, so its CSP forbids everything; Swagger UI at
 * /docs sends its own hash-based CSP (see plugins/swagger.ts).
 */
export default fp(async function securityHeaders (fastify) {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    hsts: fastify.config.appUrl.startsWith('https://') ? { maxAge: 31_536_000 } : false,
  })
}, { name: 'security-headers' })
