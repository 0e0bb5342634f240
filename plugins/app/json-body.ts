import fp from 'fastify-plugin'
import { invalidField } from '../../src/errors.ts'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/json-depth.ts'

/** JSON bodies: Fastify's own parser (with its prototype-poisoning checks), after a bound on nesting. */
export default fp(async function jsonBody (fastify) {
  const parse = fastify.getDefaultJsonParser('error', 'error')
  fastify.removeContentTypeParser('application/json')
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(invalidField('body', 'body', `nested more than ${MAX_JSON_DEPTH} levels deep`), undefined)
      return
    }
    parse(request, body as string, done)
  })
}, { name: 'json-body' })
