import { PassThrough } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { LiveEvent } from '../../../src/event-hub.ts'
import { problemResponses } from '../../../src/schemas/problem.ts'
import { SessionRevocations } from '../../../src/session-revocations.ts'

/** At most this many open streams per session on one replica (a tab each); the oldest closes for a new one. */
export const MAX_STREAMS_PER_SESSION = 5

interface OpenStream { sid: string, userId: string, createdAt: number, stop: (reason?: string) => void }

/**
 * GET /api/v1/events: server-sent events for the signed-in user (and, in coach mode, the selected
 * athlete): SweatStack's webhook events as they arrive, on whichever replica. Heartbeat comments keep
 * proxies from closing an idle stream; Last-Event-ID replays what was missed within EVENT_REPLAY_SECONDS.
 * EventSource cannot send X-CSRF, so an allowed Origin stands in for it here.
 */
const events: FastifyPluginAsyncTypebox = async (fastify) => {
  const heartbeatMs = fastify.config.sseHeartbeatSeconds * 1000
  const open = new Map<string, OpenStream[]>()
  // Endless streams would hold a graceful shutdown forever: end them all when the server closes.
  fastify.addHook('preClose', async () => { for (const streams of open.values()) for (const stream of [...streams]) stream.stop() })
  // A signed-out session's streams close at once, on every replica.
  const stopListening = fastify.sessionRevocations.onEnded(ended => {
    for (const streams of open.values()) {
      for (const stream of [...streams]) if (SessionRevocations.covers(ended, stream.sid, stream.userId, stream.createdAt)) stream.stop('signed_out')
    }
  })
  fastify.addHook('onClose', async () => stopListening())

  fastify.get('/events', {
    config: { csrf: 'origin' },
    schema: {
      tags: ['events'],
      operationId: 'streamEvents',
      summary: 'Live SweatStack events (server-sent events; BFF only)',
      description: 'Use `new EventSource(bff + "/api/v1/events", { withCredentials: true })`. Each event is named by SweatStack\'s `event_type` (`activity_created`, `source_processed`, ...) with JSON data `{id, user_id, event_type, resource_id, timestamp}`. ' +
        'A stream the server closes ends with an event `stream_closed`, data `{reason}`: `signed_out` (the session ended; EventSource\'s reconnection then gets 401) or `too_many_streams` ' +
        `(at most ${MAX_STREAMS_PER_SESSION} streams per session stay open on one server, and opening another closes the oldest: call \`close()\` rather than let EventSource reconnect).`,
      security: [{ session: [] }],
      headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 64, description: 'Sent by EventSource on reconnect: events after it are replayed.' })) }),
      response: {
        200: { description: 'An endless text/event-stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        ...problemResponses(401, 403),
      },
    },
  }, async (request, reply) => {
    const { sessionId: sid, userId, createdAt, userIds } = await request.sweatstack.streamScope()

    const stream = new PassThrough()
    const send = (event: LiveEvent) => stream.write(`id: ${event.id}\nevent: ${event.event_type}\ndata: ${JSON.stringify(event)}\n\n`)
    stream.write('retry: 3000\n: connected\n\n')
    const lastEventId = request.headers['last-event-id']
    if (typeof lastEventId === 'string' && lastEventId !== '') for (const missed of fastify.events.since(lastEventId, userIds)) send(missed)
    const unsubscribe = fastify.events.subscribe(userIds, send)
    const heartbeat = setInterval(() => stream.write(': ping\n\n'), heartbeatMs)
    const siblings = open.get(sid) ?? []
    const entry: OpenStream = {
      sid,
      userId,
      createdAt,
      stop (reason) {
        const index = siblings.indexOf(entry)
        if (index < 0) return
        siblings.splice(index, 1)
        if (siblings.length === 0) open.delete(sid)
        clearInterval(heartbeat)
        unsubscribe()
        if (reason !== undefined) stream.write(`event: stream_closed\ndata: ${JSON.stringify({ reason })}\n\n`)
        stream.end()
      },
    }
    siblings.push(entry)
    open.set(sid, siblings)
    if (siblings.length > MAX_STREAMS_PER_SESSION) siblings[0]!.stop('too_many_streams')
    reply.raw.once('close', () => entry.stop())

    return reply
      .header('x-accel-buffering', 'no')
      .type('text/event-stream; charset=utf-8')
      .send(stream as never)
  })
}

export default events
