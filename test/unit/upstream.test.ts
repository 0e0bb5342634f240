// What forwarding checks without Fastify: JSON answers are whole, untyped answers carry no token,
// queries and bodies as SweatStack takes them.
import fc from 'fast-check'
import t from 'tap'
import { ProblemError } from '../../src/errors.ts'
import { encodeBody, looksLikeWholeJson, toSearchParams, wantsJson, withoutTokens } from '../../src/upstream.ts'

// The check is cheap on purpose (a cut connection is already an error to undici): it looks at how the
// body opens and closes, so a document cut exactly after an inner closing bracket still passes.
t.test('property: every JSON value looks whole; a JSON object or array cut short does, only if cut after its closer', async t => {
  fc.assert(fc.property(fc.jsonValue(), fc.constantFrom('', ' ', '\n  '), (value, blank) => looksLikeWholeJson(Buffer.from(blank + JSON.stringify(value) + blank))), { numRuns: 2000 })
  fc.assert(fc.property(fc.oneof(fc.array(fc.jsonValue(), { minLength: 1 }), fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 })), fc.nat(), (value, cut) => {
    const text = JSON.stringify(value)
    const prefix = text.slice(0, cut % (text.length - 1) + 1).trimEnd()
    return looksLikeWholeJson(Buffer.from(prefix)) === (prefix.length > 1 && prefix.at(-1) === text.at(-1))
  }), { numRuns: 2000 })
  for (const text of ['', '   ', '<html>', 'Internal Server Error', 'nul', '12abc']) t.notOk(looksLikeWholeJson(Buffer.from(text)), JSON.stringify(text))
})

t.test('an untyped answer carrying a token anywhere is refused', async t => {
  const token = fc.constantFrom('access_token', 'refresh_token', 'id_token')
  fc.assert(fc.property(fc.jsonValue(), token, fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }), (value, field, path) => {
    let nested: unknown = { [field]: 'secret' }
    for (const key of path) nested = key === '' ? [nested] : { [key]: nested }
    try {
      withoutTokens(Buffer.from(JSON.stringify({ data: value, nested })))
      return false
    } catch (error) {
      return error instanceof ProblemError && error.code === 'token_in_answer'
    }
  }), { numRuns: 1000 })
  const clean = Buffer.from('{"a":[{"token_type":"x"}]}')
  t.equal(withoutTokens(clean), clean, 'no token: passed on as it came')
  t.throws(() => withoutTokens(Buffer.from('not json')), { code: 'upstream_malformed' })
})

t.test('queries repeat list values, as SweatStack takes them; bodies are JSON or a form', async t => {
  t.equal(toSearchParams({ sport: ['cycling', 'running'], limit: 5, none: undefined, nil: null }).toString(), 'sport=cycling&sport=running&limit=5')
  t.equal(encodeBody('application/x-www-form-urlencoded', { first_name: 'Fin', last_name: 'J' }), 'first_name=Fin&last_name=J')
  t.equal(encodeBody('application/json', { a: 1 }), '{"a":1}')
  t.equal(encodeBody('application/json', undefined), undefined)
})

t.test('Accept: application/json asks for JSON columns, unless Parquet is accepted too', async t => {
  t.ok(wantsJson('application/json'))
  t.ok(wantsJson('text/plain, Application/JSON;q=0.9'))
  t.notOk(wantsJson(undefined))
  t.notOk(wantsJson('*/*'))
  t.notOk(wantsJson('application/json, application/vnd.apache.parquet'))
})
