import fp from 'fastify-plugin'
import cors from '@fastify/cors'

/** Only the configured frontends may call with credentials; X-CSRF is allowed so it can force a preflight. */
export default fp(async function corsPolicy (fastify) {
  await fastify.register(cors, {
    origin: fastify.config.frontendOrigins,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['content-type', 'x-csrf', 'x-request-id', 'accept', 'last-event-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition'],
    maxAge: 600,
    strictPreflight: true,
  })
}, { name: 'cors' })
