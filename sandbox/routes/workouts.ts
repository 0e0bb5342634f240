import { randomInt } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { callerOf, requireCaller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { createRandom } from '../prng.ts'
import { sportMatches } from '../sports.ts'
import { formatUtc, isNaiveDateTime, parseAwareDateTime } from '../time.ts'
import { ulid } from '../ulid.ts'

interface ContentItem {
  type: string
  volume?: { quantity?: string }
  intensity?: { quantity?: string }
  content?: ContentItem[]
}

interface ScheduleBody {
  swf: { sport: string, content?: ContentItem[] } & Record<string, unknown>
  start: string
  parameters?: Record<string, number> | null
}

const volumes = new Set(['duration', 'distance'])

/** What SweatStack delivers today: running, speed intensity, duration or distance volume. */
function unsupported (items: ContentItem[], path: Array<string | number>, issues: ValidationIssue[]): void {
  items.forEach((item, index) => {
    const at = [...path, index]
    if (item.type === 'step') {
      if (item.intensity?.quantity !== undefined && item.intensity.quantity !== 'speed') {
        issues.push(bodyIssue([...at, 'intensity', 'quantity'], `unsupported SWF: intensity ${item.intensity.quantity} (only speed)`, 'value_error'))
      }
      if (item.volume?.quantity !== undefined && !volumes.has(item.volume.quantity)) {
        issues.push(bodyIssue([...at, 'volume', 'quantity'], `unsupported SWF: volume ${item.volume.quantity} (only duration or distance)`, 'value_error'))
      }
    }
    if (item.content !== undefined) unsupported(item.content, [...at, 'content'], issues)
  })
}

export default async function workouts (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  const random = createRandom(randomInt(2 ** 32))

  fastify.post<{ Body: ScheduleBody }>('/api/v1/workouts/schedule', {
    schema: { body: contractBody('ScheduledWorkoutCreate') },
    preValidation: requireCaller(state, 'data:write'),
  }, async (request, reply) => {
    const caller = callerOf(request)
    const { swf, start, parameters } = request.body
    const issues: ValidationIssue[] = []
    if (!sportMatches('running', swf.sport)) issues.push(bodyIssue(['swf', 'sport'], `unsupported SWF: sport ${swf.sport} (only running workouts can be scheduled)`, 'value_error', swf.sport))
    unsupported(swf.content ?? [], ['swf', 'content'], issues)
    if (!isNaiveDateTime(start) && parseAwareDateTime(start) === null) issues.push(bodyIssue(['start'], 'Input should be a valid datetime', 'datetime_parsing', start))
    if (issues.length > 0) return sendValidationError(reply, issues)
    const id = ulid(state.now(), random)
    const body = {
      id,
      sport: swf.sport,
      start,
      swf,
      parameters: parameters ?? null,
      application_id: caller.clientId,
      application_name: 'Sandbox application',
      deliveries: [{ integration: 'garmin_connect', status: 'pending', reason: null, detail: null, updated_at: formatUtc(state.now()) }],
      warnings: [],
    }
    state.workouts.set(id, { userId: caller.user.id, body })
    return body
  })
}
