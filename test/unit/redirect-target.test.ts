import fc from 'fast-check'
import t from 'tap'
import { safeRedirectTarget } from '../../src/redirect-target.ts'

const allowed = ['http://localhost:5173', 'http://localhost:8000']
const fallback = 'http://localhost:5173/'

t.test('allowed targets pass, relative paths land on the first frontend', async t => {
  t.equal(safeRedirectTarget('http://localhost:5173/a?b=c#d', allowed, fallback), 'http://localhost:5173/a?b=c#d')
  t.equal(safeRedirectTarget('/settings', allowed, fallback), 'http://localhost:5173/settings')
  t.equal(safeRedirectTarget('http://localhost:8000/docs', allowed, fallback), 'http://localhost:8000/docs')
  t.equal(safeRedirectTarget(undefined, allowed, fallback), fallback)
})

t.test('hostile values fall back', async t => {
  for (const hostile of ['//evil.com', '/\\evil.com', '\\\\evil.com', 'https:evil.com', 'javascript:alert(1)', 'http://localhost:5173@evil.com/',
    'http://user:pw@localhost:5173/', 'HTTP://EVIL.COM', '/\tevil', 'http://localhost:5173.evil.com/', 'data:text/html,x', `/${'a'.repeat(3000)}`]) {
    t.equal(safeRedirectTarget(hostile, allowed, fallback), fallback, JSON.stringify(hostile.slice(0, 40)))
  }
})

t.test('property: whatever the input, the result is on an allowed origin', async t => {
  const pieces = fc.constantFrom('/', '//', '\\', '/\\', 'http:', 'https:', 'javascript:', 'evil.com', 'localhost', ':5173', '@', '%2f', '%5c', '.', '?', '#',
    'ℯvil.com', 'lоcalhost', '\u0000', '\t', '\n', 'HTTP://', 'Localhost', 'user:pw@', '%40')
  const hostile = fc.oneof(fc.string(), fc.array(pieces, { maxLength: 12 }).map(parts => parts.join('')), fc.webUrl())
  fc.assert(fc.property(hostile, next => {
    const target = new URL(safeRedirectTarget(next, allowed, fallback))
    return allowed.includes(target.origin) && target.username === '' && target.password === ''
  }), { numRuns: 5000 })
  t.pass('5000 generated values stayed on allowed origins')
})
