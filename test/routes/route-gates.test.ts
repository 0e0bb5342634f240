// Anti-forgery, sign-in and the other rules of a route group follow the route the router matched. For
// every route of the BFF (read from the route table as it is built), every spelling of its URL that a
// router may accept answers exactly as the plain spelling does, or is refused (no such route, or a 4xx
// of the route it did reach); it never gets further; and none of it reaches SweatStack.
import t from 'tap'
import type { RouteOptions } from 'fastify'
import { FRONTEND, coach, concretePath, signIn, startStack, Browser } from '../helper.ts'
import { closeRawAgent, sendRaw } from '../raw-http.ts'

interface Route { method: string, url: string }

const table: Route[] = []
const stack = await startStack(t, {
  env: { AUTH_RATE_LIMIT: '1000000', SWEATSTACK_SCOPES: 'data:read data:write profile', SWEATSTACK_WEBHOOK_SECRETS: 'whsec_route_gates_secret' },
  onRoute: (route: RouteOptions) => { for (const method of [route.method].flat()) table.push({ method, url: route.url }) },
})
await stack.app.listen({ port: 0, host: '127.0.0.1' })
t.teardown(closeRawAgent)
const port = (stack.app.server.address() as { port: number }).port
const coachBrowser = new Browser(stack.app)
await signIn(coachBrowser, coach.id)
const coachCookie = coachBrowser.cookieHeader('/')

const hex = (char: string, upper: boolean) => '%' + char.charCodeAt(0).toString(16)[upper ? 'toUpperCase' : 'toLowerCase']().padStart(2, '0')

/** The other spellings of a path a router or a proxy in front of it may accept, by name. */
function spellings (path: string): Array<[string, string]> {
  const segments = path.split('/')
  const out: Array<[string, string]> = []
  const withSegment = (i: number, value: string) => segments.map((segment, j) => j === i ? value : segment).join('/')
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!
    if (segment === '') continue
    out.push([`first letter of segment ${i} encoded`, withSegment(i, hex(segment[0]!, false) + segment.slice(1))])
    out.push([`segment ${i} encoded whole, upper-case hex`, withSegment(i, [...segment].map(char => hex(char, true)).join(''))])
    out.push([`segment ${i} in upper case`, withSegment(i, segment.toUpperCase())])
    out.push([`segment ${i} with a matrix parameter`, withSegment(i, `${segment};x=1`)])
    if (i < segments.length - 1) {
      const joined = (separator: string) => [...segments.slice(0, i), segments[i] + separator + segments[i + 1], ...segments.slice(i + 2)].join('/')
      out.push([`slash after segment ${i} as %2F`, joined('%2F')])
      out.push([`slash after segment ${i} as %2f`, joined('%2f')])
      out.push([`slash after segment ${i} as a backslash`, joined('\\')])
      out.push([`slash after segment ${i} doubled`, joined('//')])
      out.push([`./ after segment ${i}`, joined('/.')])
      out.push([`x/../ after segment ${i}`, joined('/x/..')])
      out.push([`%2e/ after segment ${i}`, joined('/%2e')])
    }
  }
  out.push(['a doubled leading slash', '/' + path])
  out.push([path.endsWith('/') ? 'without its trailing slash' : 'with a trailing slash', path.endsWith('/') ? path.slice(0, -1) : `${path}/`])
  out.push(['absolute-form target', `http://localhost:${port}${path}`])
  out.push(['absolute-form target, another host', `http://evil.example${path}`])
  out.push(['absolute-form target, first letter encoded', `http://localhost:${port}${withSegment(1, hex(segments[1]![0] ?? 'a', false) + (segments[1] ?? '').slice(1))}`])
  out.push(['a fragment', `${path}#x`])
  return out
}

const UNSAFE = new Set(['POST', 'PUT', 'DELETE', 'PATCH'])

/** A forged request (the victim's cookie, another origin, no X-CSRF, a form-like body) and an anonymous frontend call. */
const scenarios = {
  forged: (method: string) => ({ cookie: coachCookie, origin: 'https://evil.example', ...(UNSAFE.has(method) ? { 'content-type': 'text/plain' } : {}) }),
  anonymous: () => ({ 'x-csrf': '1', origin: FRONTEND }),
}

const routes = table.filter(route => route.url !== '*' && route.method !== 'OPTIONS')
t.ok(routes.length > 60, `${routes.length} routes in the table`)

t.test('every spelling of every route gets that route\'s answer, and nothing reaches SweatStack', async t => {
  const before = stack.sandbox.sandbox.stats().requests
  let tried = 0
  for (const [scenario, headersFor] of Object.entries(scenarios)) {
    for (const route of routes) {
      const path = concretePath(route.url)
      // Anonymous /api calls carry a query the route refuses: the session is checked before anything else is read.
      const probe = scenario === 'anonymous' && path.startsWith('/api/') ? '?unknown_parameter=1' : ''
      const send = (target: string) => sendRaw(port, route.method, target + probe, headersFor(route.method), UNSAFE.has(route.method) ? 'x' : undefined)
      const plain = await send(path)
      const gated = path.startsWith('/api/') || (path.startsWith('/auth/') && UNSAFE.has(route.method))
      if (scenario === 'forged' && gated) t.equal(plain.status, 403, `${route.method} ${path}: a forged request is refused`)
      if (scenario === 'anonymous' && path.startsWith('/api/')) t.equal(plain.status, 401, `${route.method} ${path}: no session, no answer (nor a 400 about the request)`)
      for (const [name, target] of spellings(path)) {
        tried++
        const answer = await send(target)
        // Another spelling may reach no route, or another route that refuses it; it never gets further than the plain one.
        const refused = answer.status >= 400 && answer.status < 500 && (route.method === 'HEAD' || /problem\+json/.test(answer.headers['content-type'] ?? ''))
        if (answer.status !== plain.status && !refused) {
          t.fail(`${scenario}: ${route.method} ${target} (${name}) answered ${answer.status}, the plain spelling ${plain.status}`)
        }
        if (route.method !== 'HEAD' && answer.status >= 400 && !/problem\+json/.test(answer.headers['content-type'] ?? '')) {
          t.fail(`${scenario}: ${route.method} ${target} (${name}): ${answer.status} is not problem+json`)
        }
        if (answer.headers['x-content-type-options'] !== 'nosniff') t.fail(`${scenario}: ${route.method} ${target} (${name}): no security headers`)
      }
    }
  }
  t.comment(`${tried} spellings of ${routes.length} routes, in 2 scenarios`)
  t.equal(stack.sandbox.sandbox.stats().requests, before, `${tried} requests, none of them reached SweatStack`)
  const me = await coachBrowser.request({ url: '/auth/sweatstack/user' })
  t.equal(me.statusCode, 200, 'the victim is still signed in')
  t.equal(me.json().selectedUserId, null, 'and was never switched to another athlete')
})

t.test('router-level refusals are problem+json with the security headers', async t => {
  for (const [target, status, code] of [
    ['/api/v1/activities/%ff', 400, 'invalid_url'],
    [`/api/v1/activities/${'a'.repeat(201)}`, 414, 'uri_too_long'],
    ['/no/such/route', 404, 'route_not_found'],
  ] as const) {
    const answer = await sendRaw(port, 'GET', target, { 'x-csrf': '1', cookie: coachCookie })
    t.equal(answer.status, status, target.slice(0, 40))
    t.match(answer.headers['content-type'], /^application\/problem\+json/)
    t.equal(JSON.parse(answer.body).code, code)
    t.equal(answer.headers['x-content-type-options'], 'nosniff')
    t.match(answer.headers['content-security-policy'], /default-src 'none'/)
  }
})
