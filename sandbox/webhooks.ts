import { createHmac } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SandboxState } from './state.ts'

export interface WebhookTarget {
  url: string
  secret: string
}

export interface WebhookEvent {
  userId: string
  eventType: string
  resourceId: string | null
}

/**
 * Sends SweatStack-style signed webhooks (`X-Sweatstack-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "t." + body>`) to the configured target when uploads are processed and activities created. A failed
 * delivery is retried a few times, briefly (SweatStack keeps trying for 24 h; a sandbox need not).
 */
export class WebhookSender {
  #target: WebhookTarget | null
  readonly #state: SandboxState
  sent = 0

  constructor (state: SandboxState, target: WebhookTarget | null) {
    this.#state = state
    this.#target = target
    state.events.on('activity_created', ({ userId, resourceId }) => { this.send({ userId, eventType: 'activity_created', resourceId }) })
    state.events.on('source_processed', ({ userId, resourceId }) => { this.send({ userId, eventType: 'source_processed', resourceId }) })
    state.events.on('source_failed', ({ userId, resourceId }) => { this.send({ userId, eventType: 'source_failed', resourceId }) })
  }

  setTarget (target: WebhookTarget | null): void {
    this.#target = target
  }

  get target (): WebhookTarget | null {
    return this.#target
  }

  /** Signs and posts one event; resolves when delivered or given up (never rejects). */
  async send (event: WebhookEvent): Promise<boolean> {
    const target = this.#target
    if (target === null) return false
    const body = JSON.stringify({ user_id: event.userId, event_type: event.eventType, resource_id: event.resourceId, timestamp: new Date(this.#state.now()).toISOString() })
    for (let attempt = 1; attempt <= 3; attempt++) {
      const t = Math.floor(this.#state.now() / 1000)
      const signature = createHmac('sha256', target.secret).update(`${t}.${body}`).digest('hex')
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-sweatstack-signature': `t=${t},v1=${signature}` },
          body,
          signal: AbortSignal.timeout(2000),
        })
        await response.arrayBuffer()
        if (response.ok) {
          this.sent++
          return true
        }
      } catch {
        // Retried below.
      }
      await sleep(200 * attempt)
    }
    return false
  }
}
