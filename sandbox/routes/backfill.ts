import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { authenticate } from '../bearer.ts'
import { DAY_MS } from '../time.ts'

/** The server closes the stream after this long, whatever the number of lines. */
export const backfillMaxMs = 60_000

/** `2021-09-27T00:56:34.667483`: naive, microseconds, as the server sends `backfill_loaded_until`. */
function naiveMicros (ms: number, micros: number): string {
  return new Date(ms).toISOString().slice(0, 19) + '.' + String(micros).padStart(6, '0')
}

/**
 * `GET /api/v1/activities/backfill-status`: NDJSON, one `BackfillStatus` line every
 * `backfillIntervalMs`, each further back in time (history is ingested newest to oldest); closes
 * after `backfillUpdates` lines or 60 s, and stops as soon as the client goes away.
 */
export default async function backfill (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.get('/api/v1/activities/backfill-status', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read')
    if (caller === null) return reply
    const { backfillIntervalMs: interval, backfillUpdates: updates } = state.config
    const aborted = new AbortController()
    reply.raw.once('close', () => { aborted.abort() })
    const startedAt = Date.now()
    const nowMs = state.now()
    const lines = (async function * () {
      for (let line = 0; line < updates; line++) {
        if (line > 0) {
          const left = backfillMaxMs - (Date.now() - startedAt)
          if (left <= 0) return
          try {
            await sleep(Math.min(interval, left), undefined, { signal: aborted.signal })
          } catch {
            return
          }
          if (Date.now() - startedAt >= backfillMaxMs) return
        }
        const loadedUntil = nowMs - (30 + 45 * line) * DAY_MS - line * 3_723_000
        yield JSON.stringify({ backfill_loaded_until: naiveMicros(loadedUntil, (667_483 + line * 104_729) % 1_000_000) }) + '\n'
      }
    })()
    return reply
      .type('application/x-ndjson')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(Readable.from(lines, { objectMode: false }))
  })
}
