import fp from 'fastify-plugin'
import { EventHub } from '../../src/event-hub.ts'

declare module 'fastify' {
  interface FastifyInstance {
    events: EventHub
  }
}

/** SweatStack's webhook events, fanned out to the browsers' event streams on every replica. */
export default fp(async function events (fastify) {
  fastify.decorate('events', new EventHub(fastify.sharedState, fastify.config.eventReplaySeconds, fastify.now))
}, { name: 'events', dependencies: ['shared-state'] })
