// No path parameter can steer the call to SweatStack: for every route with parameters and any value,
// dot segments and every spelling of a separator included, either the BFF refuses it without calling
// SweatStack, or SweatStack receives exactly the route's own segments with the value as one of them.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import t from 'tap'
import * as op from '../../src/schemas/sweatstack.generated.ts'
import { FRONTEND, Browser, signIn, startStack } from '../helper.ts'
import { closeRawAgent, sendRaw } from '../raw-http.ts'

interface Operation { method: string, path: string, bodyContentType?: string }
const contract = JSON.parse(readFileSync(new URL('../../openapi/sweatstack.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { example?: unknown }> } }>> }

const withParameters = (Object.values(op) as unknown[])
  .filter((value): value is Operation => typeof value === 'object' && value !== null && typeof (value as Operation).path === 'string' && (value as Operation).path.includes('{'))
t.ok(withParameters.length >= 20, `${withParameters.length} operations with path parameters`)

/** The contract's example body, so that a value that passes reaches SweatStack rather than failing on the body. */
function exampleBody (operation: Operation): string | undefined {
  const content = contract.paths[operation.path]?.[operation.method.toLowerCase()]?.requestBody?.content ?? {}
  const example = Object.values(content)[0]?.example
  if (example === undefined) return undefined
  if (operation.bodyContentType === 'application/x-www-form-urlencoded') return new URLSearchParams(example as Record<string, string>).toString()
  return JSON.stringify(example)
}

const stack = await startStack(t, { env: { SWEATSTACK_SCOPES: 'data:read data:write profile', AUTH_RATE_LIMIT: '1000000', UPSTREAM_RETRIES: '0' } })
await stack.app.listen({ port: 0, host: '127.0.0.1' })
t.teardown(closeRawAgent)
const port = (stack.app.server.address() as { port: number }).port
const browser = new Browser(stack.app)
await signIn(browser)
const cookie = browser.cookieHeader('/api/v1/')

/** Pieces of path segments as an attacker writes them in the URL: dot segments, separators, escapes. */
const hostile = fc.constantFrom('.', '..', '%2e', '%2E', '%2e%2e', '.%2e', '%2E.', '..%2F', '..%2f', '%2F', '%2f', '%5C', '%5c', '\\', '%00',
  '%252F', '%252e%252e', '..%252F', ';', '%3B', '%3b', '?', '%3F', '%23', '%20', '+', '~', '%7E', '..%5C', '%C0%AE', '%c0%af', '%E2%80%AE',
  '%u002e', '%%32%65', '..;', '.;', '/', '//', 'oauth', 'principal-token', 'delegated-token', 'token', 'api', 'v1', '01JV7Q4ZK8W3N5T2B6X9C0D1EF', 'a', '-', '_')
const values = fc.oneof(
  { weight: 4, arbitrary: fc.array(hostile, { minLength: 1, maxLength: 6 }).map(pieces => pieces.join('')) },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }).map(text => encodeURIComponent(text).replace(/%2F/g, '/')) }
  // A raw `?` or `#` ends the path: what comes before it is the parameter, and an empty one is another route.
).filter(value => value.split(/[?#]/)[0] !== '')

/** Whether SweatStack got exactly the template's segments, with `value` (decoded) filling the parameter. */
function sameSegments (template: string, received: string): boolean {
  const expected = template.split('/')
  const got = received.split('?')[0]!.split('/')
  return got.length === expected.length && expected.every((segment, i) => /^\{\w+\}$/.test(segment) ? /^[A-Za-z0-9_-]+$/.test(got[i]!) : segment === got[i])
}

t.test('property: a path parameter never adds, removes or changes a segment of the upstream path', async t => {
  let refused = 0
  let forwarded = 0
  await fc.assert(fc.asyncProperty(fc.nat({ max: withParameters.length - 1 }), values, async (index, value) => {
    const operation = withParameters[index]!
    const target = operation.path.replace(/\{\w+\}/, value).replace(/\{\w+\}/g, '01JV7Q4ZK8W3N5T2B6X9C0D1EF')
    const seen = stack.sandbox.sandbox.stats().requests
    const body = exampleBody(operation)
    const answer = await sendRaw(port, operation.method, target, {
      cookie, 'x-csrf': '1', origin: FRONTEND, ...(body === undefined ? {} : { 'content-type': operation.bodyContentType ?? 'application/json' }),
    }, body)
    const calls = stack.sandbox.sandbox.stats().requests - seen
    const received = calls === 0 ? [] : stack.sandbox.sandbox.received().slice(-calls)
    if (received.length === 0) {
      refused++
      return answer.status >= 400 && answer.status < 500
    }
    forwarded++
    return received.every(line => line.startsWith(`${operation.method} `) && sameSegments(operation.path, line.slice(operation.method.length + 1)))
  }), { numRuns: 10_000 })
  t.comment(`10000 generated values over ${withParameters.length} operations: ${refused} refused without calling SweatStack, ${forwarded} forwarded with the route's own segments`)
  t.ok(refused > 1000 && forwarded > 1000, 'both outcomes were exercised')
})
