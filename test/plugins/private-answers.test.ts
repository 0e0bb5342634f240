import t from 'tap'
import { ProblemError } from '../../src/errors.ts'
import { bareFastify, errorHandling } from './bare.ts'

t.test('a private route group answers no-store and Vary: Cookie, Origin, errors included, whatever the handler set', async t => {
  const app = await bareFastify(t, ...errorHandling(), import('../../plugins/app/private-answers.ts'))
  await app.register(async group => {
    group.addHook('onRequest', group.privateAnswers)
    group.get('/fine', async () => 'ok')
    group.get('/failing', async () => { throw new ProblemError('upstream_error', 'boom') })
  })
  app.get('/public', async () => 'ok')
  for (const url of ['/fine', '/failing']) {
    const answer = await app.inject({ url })
    t.equal(answer.headers['cache-control'], 'no-store', url)
    t.equal(answer.headers.vary, 'Cookie, Origin', url)
  }
  t.notOk((await app.inject({ url: '/public' })).headers['cache-control'], 'routes outside the group are untouched')
})
