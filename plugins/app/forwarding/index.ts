import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import { contractSchema } from '../../../src/schemas/contract-schema.ts'
import type { ContractOperation, RouteDocs } from '../../../src/schemas/contract-schema.ts'
import type { ForwardOptions, ForwardedOperation } from '../../../src/upstream.ts'
import { forwardToSweatStack } from './forward.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Registers a route that forwards a SweatStack operation of the contract, at SweatStack's own path
     * under the calling plugin's prefix (`/api/v1`), with the contract's schema and this BFF's docs.
     */
    proxyRoute (operation: ContractOperation, docs: RouteDocs, options?: ForwardOptions): void
  }
  interface FastifyReply {
    /** Calls SweatStack for the signed-in user and answers with what it said (see ./forward.ts). */
    forwardToSweatStack (operation: ForwardedOperation, options?: ForwardOptions): Promise<FastifyReply>
  }
}

/**
 * Forwarding to SweatStack as decorators, the way @fastify/http-proxy builds on @fastify/reply-from:
 * `reply.forwardToSweatStack` for a route with its own handler (uploads, the pass-through), and
 * `fastify.proxyRoute` for the one-line routes of routes/api/v1.
 */
export default fp(async function forwarding (fastify) {
  fastify.decorateReply('forwardToSweatStack', function (this: FastifyReply, operation: ForwardedOperation, options?: ForwardOptions) {
    return forwardToSweatStack(this.request, this, operation, options)
  })
  fastify.decorate('proxyRoute', function (this: FastifyInstance, operation: ContractOperation, docs: RouteDocs, options: ForwardOptions = {}) {
    this.route({
      method: operation.method as HTTPMethods,
      url: operation.path.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, ':$1'),
      schema: contractSchema(operation, docs),
      handler: (request: FastifyRequest, reply: FastifyReply) => forwardToSweatStack(request, reply, operation, { as: docs.as ?? 'active', ...options }),
    })
  })
}, { name: 'forwarding', dependencies: ['session', 'sweatstack-client'] })
