import fp from 'fastify-plugin'
import cors from '@fastify/cors'

/** At most this many refused origins are remembered (and logged) per process. */
const MAX_LOGGED_ORIGINS = 100

/** Only the configured frontends may call with credentials; X-CSRF is allowed so it can force a preflight. */
export default fp(async function corsPolicy (fastify) {
  const { frontendOrigins, appOrigin } = fastify.config
  // A host app's @fastify/cors above the BFF would answer the BFF's preflights itself, with its own policy.
  if (fastify.hasRequestDecorator('corsPreflightEnabled')) {
    throw new Error('sweatstack-bff: @fastify/cors is registered where sweatstack-bff is (at your app\'s root?): its hooks run for the BFF\'s routes too and would answer their CORS preflights with your policy, not FRONTEND_ORIGINS (frontendOrigins). Register @fastify/cors in the encapsulated context of your own routes instead (app.register(async api => { await api.register(cors, ...); api.get(...) })).')
  }

  // A browser hides a CORS refusal from the page (it sees a network error, like a dead server), so the
  // BFF says it, once per origin, with the fix. Before @fastify/cors's hook, which answers preflights itself.
  const allowed = new Set([...frontendOrigins, appOrigin])
  const logged = new Set<string>()
  fastify.addHook('onRequest', (request, _reply, done) => {
    const origin = request.headers.origin
    if (origin !== undefined && !allowed.has(origin) && !logged.has(origin) && logged.size < MAX_LOGGED_ORIGINS) {
      logged.add(origin)
      request.log.warn({ origin, frontendOrigins }, `Refused a browser request from ${origin}: it is not in FRONTEND_ORIGINS. If it is your frontend, add it (origins are exact: http://localhost:5173 and http://127.0.0.1:5173 are different).`)
    }
    done()
  })

  await fastify.register(cors, {
    origin: frontendOrigins,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['content-type', 'x-csrf', 'x-request-id', 'accept', 'last-event-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition'],
    maxAge: 600,
    strictPreflight: true,
  })
}, { name: 'cors' })
