import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

export const OPENAPI_INFO = {
  title: 'sweatstack-bff',
  version: '0.1.0',
  description: 'A backend-for-frontend for SweatStack. Sign in with `GET /auth/sweatstack/login`; then call `/api/v1/...` with the same paths, ' +
    'parameters and bodies as SweatStack\'s API, from the browser, with `credentials: \'include\'` and the header `X-CSRF: 1`. ' +
    'The session is an encrypted, HttpOnly cookie; tokens never reach the browser. Errors are `application/problem+json` (RFC 9457).',
}

interface Document { components?: { schemas?: Record<string, unknown> } }

/** SweatStack's whole model set is registered; the document keeps only the schemas its routes reach. */
function withoutUnusedSchemas<T extends Document> (document: T): T {
  const schemas = document.components?.schemas ?? {}
  const used = new Set<string>()
  const visit = (value: unknown) => JSON.stringify(value, (key, child) => {
    if (key === '$ref' && typeof child === 'string') {
      const name = child.replace('#/components/schemas/', '')
      if (!used.has(name)) {
        used.add(name)
        visit(schemas[name])
      }
    }
    return child
  })
  visit({ ...document, components: { ...document.components, schemas: {} } })
  return { ...document, components: { ...document.components, schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))) } }
}

/** The OpenAPI document (also written to openapi/bff.json) and Swagger UI at /docs. */
export default fp(async function openapi (fastify) {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: '/', description: 'This BFF, wherever it is served from' }],
      tags: [
        { name: 'auth', description: 'Sign in and out with SweatStack; who is signed in.' },
        { name: 'activities', description: 'SweatStack activities, proxied at SweatStack\'s own paths.' },
        { name: 'oauth', description: 'SweatStack\'s OAuth user info, proxied.' },
        { name: 'health', description: 'BFF only: liveness and readiness for load balancers.' },
      ],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sweatstack_session', description: 'Set by /auth/sweatstack/callback after sign-in; HttpOnly, so the browser sends it, scripts never see it.' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF', description: 'Always `1`. Required on every /api request and every POST to /auth.' },
        },
      },
    },
    hideUntagged: true,
    transformObject: (documents) => withoutUnusedSchemas((documents as { openapiObject: Document }).openapiObject) as never,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` },
  })
  await fastify.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI's own CSP upgrades requests to https, which breaks /docs on a plain-http APP_URL.
    transformStaticCSP: (header: string) => fastify.config.appUrl.startsWith('https://') ? header : header.replace(/\s*upgrade-insecure-requests;?/, ''),
    uiConfig: {
      deepLinking: true,
      validatorUrl: null,
      // Swagger UI's "Try it out" then works like a real frontend: cookie included, anti-forgery header set.
      requestInterceptor: function (request: { headers: Record<string, string>, credentials?: string }) {
        request.headers['X-CSRF'] = '1'
        request.credentials = 'include'
        return request
      },
    } as Record<string, unknown>,
  })
  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
}, { name: 'swagger' })
