// The last line of defence against path steering, on its own: building SweatStack's path refuses any
// parameter that is not one whole id segment, whatever the route's schema let through.
import fc from 'fast-check'
import t from 'tap'
import { ProblemError } from '../../src/errors.ts'
import { upstreamPath } from '../../src/upstream.ts'
import * as op from '../../src/schemas/sweatstack.generated.ts'

t.test('property: any value that is not [A-Za-z0-9_-]+ is refused; any that is fills exactly one segment', async t => {
  const template = '/api/v1/activities/{activity_id}/data'
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('.', '..', '../oauth/principal-token', 'a/b', 'a\\b', '%2F', '%2e%2e', 'a?b', 'a#b', 'a;b', '')), value => {
    if (/^[A-Za-z0-9_-]{1,128}$/.test(value)) return upstreamPath(template, { activity_id: value }) === `/api/v1/activities/${value}/data`
    try {
      upstreamPath(template, { activity_id: value })
      return false
    } catch (error) {
      return error instanceof ProblemError && error.status === 400 && error.errors?.[0]?.name === 'activity_id'
    }
  }), { numRuns: 5000 })
  t.pass('5000 values')
})

t.test('every path parameter of the contract allows only SweatStack\'s id characters', async t => {
  const operations = (Object.values(op) as Array<{ path?: unknown, params?: { properties: Record<string, { pattern?: string, maxLength?: number, enum?: unknown, $ref?: string, allOf?: unknown }> } }>)
    .filter(operation => typeof operation.path === 'string' && operation.params !== undefined)
  t.ok(operations.length >= 20)
  for (const operation of operations) {
    for (const [name, schema] of Object.entries(operation.params!.properties)) {
      if (schema.$ref !== undefined || schema.allOf !== undefined || schema.enum !== undefined) continue // an enum (DailyMeasure) is its own bound
      t.equal(schema.pattern, '^[A-Za-z0-9_-]+$', `${String(operation.path)} ${name}: pattern`)
      t.ok((schema.maxLength ?? Infinity) <= 64, `${String(operation.path)} ${name}: at most 64 characters`)
    }
  }
})
