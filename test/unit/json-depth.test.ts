import fc from 'fast-check'
import t from 'tap'
import { nestsDeeperThan } from '../../src/json-depth.ts'

/** The nesting depth of a parsed JSON value, the slow and obvious way. */
function depthOf (value: unknown): number {
  if (value === null || typeof value !== 'object') return 0
  const children = Array.isArray(value) ? value : Object.values(value)
  return 1 + Math.max(0, ...children.map(depthOf))
}

t.test('property: the one-pass scan agrees with the depth of the parsed value, strings with brackets included', async t => {
  const text = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ' ') })
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 12 }), text, fc.integer({ min: 0, max: 12 }), (value, noise, limit) => {
    const document = JSON.stringify([value, noise])
    return nestsDeeperThan(document, limit) === (depthOf(JSON.parse(document)) > limit)
  }), { numRuns: 3000 })
  t.ok(nestsDeeperThan('['.repeat(100_000) + ']'.repeat(100_000), 32), 'a hundred thousand levels, without recursion')
})
