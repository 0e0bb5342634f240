import fp from 'fastify-plugin'
import { invalidField } from '../../src/errors.ts'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/json-depth.ts'

/** The largest JSON body taken, whatever the server's bodyLimit (a host app's may differ). */
const MAX_JSON_BODY_BYTES = 1024 * 1024

/** JSON bodies: Fastify's own parser (with its prototype-poisoning checks), after a bound on size and nesting. */
export default fp(async function jsonBody (fastify) {
  const parse = fastify.getDefaultJsonParser('error', 'error')
  fastify.removeContentTypeParser('application/json')
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_JSON_BODY_BYTES }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(invalidField('body', 'body', `nested more than ${MAX_JSON_DEPTH} levels deep`), undefined)
      return
    }
    parse(request, body as string, done)
  })
}, { name: 'json-body' })
