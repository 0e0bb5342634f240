import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { SESSION_BAR_CSS, sessionBarScript } from '../../src/docs-session-bar.ts'

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

interface SecuredDocument { info: { description?: string }, components?: { securitySchemes?: unknown }, paths?: Record<string, Record<string, { security?: unknown }>> }

/**
 * What Swagger UI shows: no Authorize dialog (the session cookie is HttpOnly, nobody can type it, and
 * the request interceptor sets X-CSRF), so no security schemes. /openapi.json keeps them for generators.
 */
function forSwaggerUi (document: SecuredDocument): SecuredDocument {
  delete document.components?.securitySchemes
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) delete operation.security
  }
  document.info.description += '\n\nOn this page: sign in with the bar at the top; "Try it out" then sends the session cookie and `X-CSRF: 1` for you.'
  return document
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
  const { appUrl, basePath } = fastify.config
  const docsUrl = `${appUrl}/docs`
  const sessionBarUrls = {
    userUrl: `${basePath}/auth/sweatstack/user?optional=true`,
    loginUrl: `${basePath}/auth/sweatstack/login?next=${encodeURIComponent(docsUrl)}`,
    logoutUrl: `${basePath}/auth/sweatstack/logout`,
  }
  await fastify.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI's own CSP upgrades requests to https, which breaks /docs on a plain-http APP_URL.
    transformStaticCSP: (header: string) => fastify.config.appUrl.startsWith('https://') ? header : header.replace(/\s*upgrade-insecure-requests;?/, ''),
    transformSpecification: (document) => forSwaggerUi(document as unknown as SecuredDocument) as never,
    theme: {
      title: 'sweatstack-bff API',
      js: [{ filename: 'session-bar.js', content: sessionBarScript(sessionBarUrls) }],
      css: [{ filename: 'session-bar.css', content: SESSION_BAR_CSS }],
    },
    uiConfig: {
      deepLinking: true,
      validatorUrl: null,
      // No top bar: it only offers to load another document, and its logo's inline style breaks the CSP.
      layout: 'BaseLayout',
      // Swagger UI's "Try it out" then works like a real frontend: cookie included, anti-forgery header set.
      // Signing in is a navigation, not a fetch (a fetch cannot follow SweatStack's sign-in page), and
      // comes back to this page unless `next` says otherwise.
      requestInterceptor: function (request: { url: string, method: string, headers: Record<string, string>, credentials?: string }) {
        const url = new URL(request.url, globalThis.location.href)
        if (request.method === 'GET' && /\/auth\/sweatstack\/(login|callback)$/.test(url.pathname)) {
          if (url.pathname.endsWith('/login') && !url.searchParams.get('next')) url.searchParams.set('next', globalThis.location.href.split('#')[0]!)
          globalThis.location.assign(url.href)
          return new Promise(() => {})
        }
        request.headers['X-CSRF'] = '1'
        request.credentials = 'include'
        return request
      },
    } as Record<string, unknown>,
  })
  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
}, { name: 'swagger' })
