// SANDBOX-ONLY control API for tests: inspect counters, inject faults, change config at runtime.
// No authentication, by design: the sandbox listens on loopback and never stands in for production.
// SweatStack has nothing like it, so a BFF must never depend on these routes outside its tests.
import type { FastifyInstance } from 'fastify'
import type { SandboxControl } from '../control.ts'
import { sendDetail, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { parseFault } from '../faults.ts'
import type { SandboxConfig } from '../state.ts'
import { findUser } from '../users.ts'

export const controlPrefix = '/__sandbox'

function parseConfigChange (input: unknown): { change: Partial<SandboxConfig> } | { issues: ValidationIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { issues: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }] }
  }
  const { accessTokenTtlSeconds: ttl, rotateRefreshTokens: rotate } = input as Record<string, unknown>
  const issues: ValidationIssue[] = []
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1)) {
    issues.push({ loc: ['body', 'accessTokenTtlSeconds'], msg: 'Input should be a positive integer', type: 'int_type', input: ttl })
  }
  if (rotate !== undefined && typeof rotate !== 'boolean') {
    issues.push({ loc: ['body', 'rotateRefreshTokens'], msg: 'Input should be a valid boolean', type: 'bool_type', input: rotate })
  }
  if (issues.length > 0) return { issues }
  const change: Partial<SandboxConfig> = {}
  if (typeof ttl === 'number') change.accessTokenTtlSeconds = ttl
  if (typeof rotate === 'boolean') change.rotateRefreshTokens = rotate
  return { change }
}

export function registerControlRoutes (app: FastifyInstance, control: SandboxControl): void {
  app.get(`${controlPrefix}/users`, async () => control.users())

  app.get(`${controlPrefix}/stats`, async () => control.stats())

  app.post(`${controlPrefix}/reset`, async (_request, reply) => {
    control.reset()
    return reply.code(204).send()
  })

  app.get(`${controlPrefix}/faults`, async () => control.faults())

  app.post(`${controlPrefix}/faults`, async (request, reply) => {
    const parsed = parseFault(request.body)
    if ('issues' in parsed) return sendValidationError(reply, parsed.issues)
    control.addFault(parsed.fault)
    return reply.code(201).send(parsed.fault)
  })

  app.delete(`${controlPrefix}/faults`, async (_request, reply) => {
    control.clearFaults()
    return reply.code(204).send()
  })

  app.get(`${controlPrefix}/config`, async () => control.config())

  app.post(`${controlPrefix}/config`, async (request, reply) => {
    const parsed = parseConfigChange(request.body)
    if ('issues' in parsed) return sendValidationError(reply, parsed.issues)
    return control.setConfig(parsed.change)
  })

  app.post(`${controlPrefix}/revoke`, async (request, reply) => {
    const userId = (request.body as { userId?: unknown } | undefined)?.userId
    if (typeof userId !== 'string' || findUser(userId) === undefined) return sendDetail(reply, 404, 'User not found')
    return { revokedRefreshTokens: control.revokeUser(userId) }
  })
}
