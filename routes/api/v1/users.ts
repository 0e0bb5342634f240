import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['users']
// SweatStack refuses delegated tokens here: a coach's users are always the coach's own.
const as = 'principal'

/** /api/v1/users/...: the people you can see (yourself, athletes who share with you) and your managed users. */
const users: FastifyPluginAsync = async (fastify) => {
  // A plain form body, as SweatStack takes it for the managed-user update.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))))

  fastify.proxyRoute(op.listUsers, { tags, as, summary: 'Yourself, your managed users and the users who share with you' })
  fastify.proxyRoute(op.createManagedUser, { tags, as, summary: 'Create a managed user (no login of their own)' })
  fastify.proxyRoute(op.getManagedUser, { tags, as, summary: 'One managed user', errors: [404] })
  fastify.proxyRoute(op.updateManagedUser, { tags, as, summary: 'Update a managed user (form fields; only those given change)', errors: [404] })
  fastify.proxyRoute(op.deleteManagedUser, { tags, as, summary: 'Delete a managed user and all their data', errors: [404] })
}

export default users
