import t from 'tap'
import { PROBLEMS, PROBLEM_CODES, ProblemError, invalidField, problemType } from '../../src/errors.ts'

t.test('the catalog: stable snake_case codes, error statuses, a title and a meaning each', async t => {
  t.ok(PROBLEM_CODES.length >= 30)
  for (const code of PROBLEM_CODES) {
    const { status, title, description } = PROBLEMS[code]
    t.match(code, /^[a-z]+(?:_[a-z]+)*$/, code)
    t.ok(status >= 400 && status < 600, `${code}: ${status}`)
    t.ok(title.length > 3 && description.length > 10, `${code}: described`)
  }
  t.equal(new Set(PROBLEM_CODES.map(code => PROBLEMS[code].title)).size, PROBLEM_CODES.length, 'no two codes share a title')
})

t.test('a problem takes its status and title from the catalog, its detail from the occasion', async t => {
  const problem = new ProblemError('upstream_unavailable', 'SweatStack is down', { headers: { 'retry-after': '5' } })
  t.match(problem, { status: 503, title: 'SweatStack is unreachable', detail: 'SweatStack is down', headers: { 'retry-after': '5' } })
  t.equal(new ProblemError('upstream_client_error', 'Gone', { status: 410 }).status, 410, 'SweatStack\'s own 4xx keeps its status')
  t.match(invalidField('query', 'limit', 'must be >= 1'), { status: 400, code: 'invalid_request', detail: 'query limit: must be >= 1', errors: [{ in: 'query', name: 'limit', message: 'must be >= 1' }] })
  t.equal(problemType('overloaded'), 'urn:sweatstack-bff:problem:overloaded')
})
