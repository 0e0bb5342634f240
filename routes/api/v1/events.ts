import { PassThrough } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { LiveEvent } from '../../../src/event-hub.ts'
import { problemResponses } from '../../../src/schemas/problem.ts'

/**
 * GET /api/v1/events: server-sent events for the signed-in user (and, in coach mode, the selected
 * athlete): SweatStack's webhook events as they arrive, on whichever replica. Heartbeat comments keep
 * proxies from closing an idle stream; Last-Event-ID replays what was missed within EVENT_REPLAY_SECONDS.
 * EventSource cannot send X-CSRF, so an allowed Origin stands in for it here.
 */
const events: FastifyPluginAsyncTypebox = async (fastify) => {
  const heartbeatMs = fastify.config.sseHeartbeatSeconds * 1000
  // Endless streams would hold a graceful shutdown forever: end them all when the server closes.
  const open = new Set<() => void>()
  fastify.addHook('preClose', async () => { for (const stop of open) stop() })

  fastify.get('/events', {
    config: { csrf: 'origin' },
    schema: {
      tags: ['events'],
      operationId: 'streamEvents',
      summary: 'Live SweatStack events (server-sent events; BFF only)',
      description: 'Use `new EventSource(bff + "/api/v1/events", { withCredentials: true })`. Each event is named by SweatStack\'s `event_type` (`activity_created`, `source_processed`, ...) with JSON data `{id, user_id, event_type, resource_id, timestamp}`.',
      security: [{ session: [] }],
      headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 64, description: 'Sent by EventSource on reconnect: events after it are replayed.' })) }),
      response: {
        200: { description: 'An endless text/event-stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        ...problemResponses(401, 403),
      },
    },
  }, async (request, reply) => {
    const principal = request.signedInIdentity()
    const selected = request.session.get('selected')
    const userIds = selected === undefined ? [principal.userId] : [principal.userId, selected.userId]

    const stream = new PassThrough()
    const send = (event: LiveEvent) => stream.write(`id: ${event.id}\nevent: ${event.event_type}\ndata: ${JSON.stringify(event)}\n\n`)
    stream.write('retry: 3000\n: connected\n\n')
    const lastEventId = request.headers['last-event-id']
    if (typeof lastEventId === 'string' && lastEventId !== '') for (const missed of fastify.events.since(lastEventId, userIds)) send(missed)
    const unsubscribe = fastify.events.subscribe(userIds, send)
    const heartbeat = setInterval(() => stream.write(': ping\n\n'), heartbeatMs)
    const stop = () => {
      open.delete(stop)
      clearInterval(heartbeat)
      unsubscribe()
      stream.end()
    }
    open.add(stop)
    reply.raw.once('close', stop)

    return reply
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .type('text/event-stream; charset=utf-8')
      .send(stream as never)
  })
}

export default events
