import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { appMetadataLimits, jsonDepth, maxAppMetadataDepth } from '../app-metadata.ts'
import type { AppMetadataKind } from '../app-metadata.ts'
import { callerOf, requireCaller } from '../bearer.ts'
import type { Caller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendDetail, sendValidationError } from '../errors.ts'
import type { JsonObject } from '../models.ts'
import type { SandboxState } from '../state.ts'
import { activitiesOf, testsOf, tracesOf } from '../views.ts'

interface Target {
  kind: Exclude<AppMetadataKind, 'profile'>
  path: string
  param: string
  noun: string
  exists: (state: SandboxState, userId: string, id: string) => boolean
}

const targets: Target[] = [
  { kind: 'activity', path: '/api/v1/activities/:activityId/app-metadata', param: 'activityId', noun: 'Activity', exists: (state, userId, id) => activitiesOf(state, userId).some((item) => item.id === id) },
  { kind: 'trace', path: '/api/v1/traces/:traceId/app-metadata', param: 'traceId', noun: 'Trace', exists: (state, userId, id) => tracesOf(state, userId).some((item) => item.id === id) },
  { kind: 'test', path: '/api/v1/tests/:testId/app-metadata', param: 'testId', noun: 'Test', exists: (state, userId, id) => testsOf(state, userId).some((item) => item.id === id) },
]

/**
 * App metadata: any JSON object per (application, record), at most 1 KB (4 KB on the profile) of
 * compact JSON and 32 levels deep. Only application tokens (with `aud`) qualify; every sandbox
 * token has one, so the 403 for personal API keys cannot happen here.
 */
export default async function appMetadata (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  const guard = requireCaller(state, 'data:write')

  /** The application of the token, or null after answering 403. */
  function applicationOf (caller: Caller, reply: FastifyReply): string | null {
    if (caller.clientId === null) {
      sendDetail(reply, 403, 'App metadata requires an application token')
      return null
    }
    return caller.clientId
  }

  function put (kind: AppMetadataKind, exists: (caller: Caller, request: FastifyRequest) => boolean, recordId: (caller: Caller, request: FastifyRequest) => string, noun: string) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | { message: string }> => {
      const caller = callerOf(request)
      const clientId = applicationOf(caller, reply)
      if (clientId === null) return reply
      const body = request.body as JsonObject
      if (jsonDepth(body) > maxAppMetadataDepth) {
        return sendValidationError(reply, [bodyIssue([], `JSON nesting depth exceeds ${maxAppMetadataDepth}`, 'value_error')])
      }
      if (!exists(caller, request)) return sendDetail(reply, 404, `${noun} not found`)
      const limit = appMetadataLimits[kind]
      if (Buffer.byteLength(JSON.stringify(body)) > limit) return sendDetail(reply, 413, `app_metadata exceeds ${limit} bytes`)
      state.appMetadata.set(clientId, kind, caller.user.id, recordId(caller, request), body)
      return { message: 'App metadata updated' }
    }
  }

  function remove (kind: AppMetadataKind, exists: (caller: Caller, request: FastifyRequest) => boolean, recordId: (caller: Caller, request: FastifyRequest) => string, noun: string) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const caller = callerOf(request)
      const clientId = applicationOf(caller, reply)
      if (clientId === null) return reply
      if (!exists(caller, request)) return sendDetail(reply, 404, `${noun} not found`)
      state.appMetadata.delete(clientId, kind, caller.user.id, recordId(caller, request))
      return reply.code(204).send()
    }
  }

  const bodySchema = { body: contractBody('AppMetadata') }
  for (const target of targets) {
    const idOf = (_caller: Caller, request: FastifyRequest): string => (request.params as Record<string, string>)[target.param] ?? ''
    const exists = (caller: Caller, request: FastifyRequest): boolean => target.exists(state, caller.user.id, idOf(caller, request))
    fastify.put(target.path, { schema: bodySchema, preValidation: guard }, put(target.kind, exists, idOf, target.noun))
    fastify.delete(target.path, { preValidation: guard }, remove(target.kind, exists, idOf, target.noun))
  }
  const profileId = (caller: Caller): string => caller.user.id
  fastify.put('/api/v1/profile/app-metadata', { schema: bodySchema, preValidation: guard }, put('profile', () => true, profileId, 'Profile'))
  fastify.delete('/api/v1/profile/app-metadata', { preValidation: guard }, remove('profile', () => true, profileId, 'Profile'))
}
