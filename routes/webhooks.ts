import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemError, invalidField } from '../src/errors.ts'
import { noContent, problemResponses } from '../src/schemas/problem.ts'
import { verifyWebhookSignature } from '../src/webhook-signature.ts'

/** SweatStack's events are a few hundred bytes. */
const MAX_WEBHOOK_BYTES = 64 * 1024
/** SweatStack retries a delivery for 24 hours; a replay within that time is acknowledged and ignored. */
const SEEN_MS = 24 * 3600 * 1000

/**
 * POST /webhooks/sweatstack: SweatStack's signed events. Verified against every secret in
 * SWEATSTACK_WEBHOOK_SECRETS, acknowledged at once (SweatStack wants a 2xx within 2 s), and then
 * passed on to the signed-in browsers concerned. Without secrets it answers 404.
 */
const webhooks: FastifyPluginAsyncTypebox = async (fastify) => {
  const secrets = fastify.config.webhookSecrets

  // JSON only, within its limit (else 415, 413). The signature covers the raw bytes: keep them, and parse only after checking.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_request, body, done) => done(null, body))

  fastify.post('/webhooks/sweatstack', {
    schema: {
      tags: ['webhooks'],
      operationId: 'receiveWebhook',
      summary: 'Receive SweatStack\'s webhook events (for SweatStack, not for browsers)',
      description: 'Register `APP_URL/webhooks/sweatstack` as your app\'s webhook endpoint at SweatStack. Signed with `X-Sweatstack-Signature: t=<unix>,v1=<hex>`; events reach browsers through `GET /api/v1/events`.',
      security: [],
      headers: Type.Object({ 'x-sweatstack-signature': Type.Optional(Type.String({ description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." + body>`' })) }),
      response: { 204: noContent('Received (or a replay, ignored).'), ...problemResponses(400, 401, 404, 413, 415) },
    },
  }, async (request, reply) => {
    if (secrets.length === 0) {
      throw new ProblemError('webhooks_not_configured', 'Set SWEATSTACK_WEBHOOK_SECRETS to your app\'s webhook secret to receive SweatStack\'s webhooks here.')
    }
    const raw = request.body as unknown as Buffer
    const check = verifyWebhookSignature(request.headers['x-sweatstack-signature'], raw, secrets, Math.floor(fastify.now() / 1000))
    if (!check.ok) {
      request.log.warn({ reason: check.reason }, 'webhook refused')
      throw new ProblemError('bad_signature', `The X-Sweatstack-Signature header is ${check.reason === 'stale' ? 'more than 300 s old' : check.reason}.`)
    }
    let event: { user_id?: unknown, event_type?: unknown, resource_id?: unknown, timestamp?: unknown }
    try {
      event = JSON.parse(raw.toString('utf8'))
    } catch {
      throw invalidField('body', 'body', 'is not JSON')
    }
    if (typeof event.user_id !== 'string' || typeof event.event_type !== 'string') {
      throw invalidField('body', typeof event.user_id !== 'string' ? 'user_id' : 'event_type', 'is required')
    }
    const fingerprint = createHash('sha256').update(raw).digest('base64url')
    if (!(await fastify.sharedState.firstSeen(`webhook:${fingerprint}`, SEEN_MS))) {
      request.log.info({ eventType: event.event_type }, 'webhook replay ignored')
      return reply.code(204).send()
    }
    const received = {
      user_id: event.user_id,
      event_type: event.event_type,
      resource_id: typeof event.resource_id === 'string' ? event.resource_id : null,
      timestamp: typeof event.timestamp === 'string' ? event.timestamp : new Date(fastify.now()).toISOString(),
    }
    // Answer first, pass on after: SweatStack's 2 s limit must not depend on the fan-out.
    reply.raw.once('finish', () => {
      fastify.events.publish(received).catch(error => request.log.error({ err: error }, 'could not pass a webhook event on'))
    })
    request.log.info({ eventType: received.event_type, userId: received.user_id }, 'webhook received')
    return reply.code(204).send()
  })
}

export default webhooks
