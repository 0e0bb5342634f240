// SANDBOX-ONLY control API for tests: inspect counters, inject faults, change config at runtime.
// No authentication, by design: the sandbox listens on loopback and never stands in for production.
// SweatStack has nothing like it, so a BFF must never depend on these routes outside its tests.
import type { FastifyInstance } from 'fastify'
import { findAccount } from '../accounts.ts'
import { configKeys, isValidConfigValue } from '../control.ts'
import type { SandboxControl } from '../control.ts'
import { sendDetail, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { parseFault } from '../faults.ts'
import { parseNewActivity } from '../new-activity.ts'
import { PROMPT_NONE_MODES, TOKEN_ERROR_SHAPES } from '../options.ts'
import type { SandboxConfig } from '../state.ts'

export const controlPrefix = '/__sandbox'

function parseConfigChange (input: unknown): { change: Partial<SandboxConfig> } | { issues: ValidationIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { issues: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }] }
  }
  const body = input as Record<string, unknown>
  const issues: ValidationIssue[] = []
  const change: Partial<SandboxConfig> = {}
  for (const key of configKeys) {
    const value = body[key]
    if (value === undefined) continue
    if (!isValidConfigValue(key, value)) {
      const boolean = key === 'rotateRefreshTokens'
      const choice = key === 'promptNone' ? PROMPT_NONE_MODES : key === 'tokenErrorShape' ? TOKEN_ERROR_SHAPES : undefined
      issues.push({
        loc: ['body', key],
        msg: choice !== undefined ? `Input should be ${choice.map(value => `'${value}'`).join(' or ')}` : boolean ? 'Input should be a valid boolean' : key === 'accessTokenTtlSeconds' || key === 'backfillUpdates' ? 'Input should be a positive integer' : 'Input should be a non-negative integer',
        type: choice !== undefined ? 'literal_error' : boolean ? 'bool_type' : 'int_type',
        input: value,
      })
    } else {
      Object.assign(change, { [key]: value })
    }
  }
  return issues.length > 0 ? { issues } : { change }
}

export default async function controlApi (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  const control = fastify.getDecorator<SandboxControl>('sandbox')

  fastify.get(`${controlPrefix}/users`, async () => control.users())

  fastify.get(`${controlPrefix}/stats`, async () => control.stats())

  fastify.post(`${controlPrefix}/reset`, async (_request, reply) => {
    control.reset()
    return reply.code(204).send()
  })

  fastify.get(`${controlPrefix}/faults`, async () => control.faults())

  fastify.post(`${controlPrefix}/faults`, async (request, reply) => {
    const parsed = parseFault(request.body)
    if ('issues' in parsed) return sendValidationError(reply, parsed.issues)
    control.addFault(parsed.fault)
    return reply.code(201).send(parsed.fault)
  })

  fastify.delete(`${controlPrefix}/faults`, async (_request, reply) => {
    control.clearFaults()
    return reply.code(204).send()
  })

  fastify.get(`${controlPrefix}/config`, async () => control.config())

  fastify.post(`${controlPrefix}/config`, async (request, reply) => {
    const parsed = parseConfigChange(request.body)
    if ('issues' in parsed) return sendValidationError(reply, parsed.issues)
    return control.setConfig(parsed.change)
  })

  fastify.post(`${controlPrefix}/revoke`, async (request, reply) => {
    const userId = (request.body as { userId?: unknown } | undefined)?.userId
    if (typeof userId !== 'string' || findAccount(state.managedUsers, userId) === undefined) return sendDetail(reply, 404, 'User not found')
    return { revokedRefreshTokens: control.revokeUser(userId) }
  })

  // Creates an activity: `{userId, sport, durationSeconds, metrics?, start?}` → 201 ActivityDetails.
  fastify.post(`${controlPrefix}/activities`, async (request, reply) => {
    const parsed = parseNewActivity(request.body)
    if ('issues' in parsed) return sendValidationError(reply, parsed.issues)
    if (findAccount(state.managedUsers, parsed.input.userId) === undefined) return sendDetail(reply, 404, 'User not found')
    return reply.code(201).send(control.createActivity(parsed.input))
  })

  fastify.get(`${controlPrefix}/directory`, async () => control.directory())

  // Where signed webhooks go: {url, secret}, or {} to stop sending them.
  fastify.post(`${controlPrefix}/webhooks`, async (request, reply) => {
    const body = (request.body ?? {}) as { url?: unknown, secret?: unknown }
    if (body.url === undefined && body.secret === undefined) {
      control.setWebhooks(null)
      return reply.code(204).send()
    }
    if (typeof body.url !== 'string' || typeof body.secret !== 'string') return sendValidationError(reply, [{ loc: ['body', 'url'], msg: 'url and secret must be strings', type: 'string_type' }])
    control.setWebhooks({ url: body.url, secret: body.secret })
    return reply.code(204).send()
  })

  fastify.get<{ Querystring: { userId?: string } }>(`${controlPrefix}/sources`, async (request) => control.sources(request.query.userId))
}
