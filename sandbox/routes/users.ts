import { randomInt } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { displayName } from '../accounts.ts'
import type { ManagedUser } from '../accounts.ts'
import { authenticate, callerOf, requireCaller } from '../bearer.ts'
import { contractBody } from '../contract.ts'
import { bodyIssue, sendDetail, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { formFields } from '../form-body.ts'
import type { UserResponse, UserSummary } from '../models.ts'
import { createRandom } from '../prng.ts'
import { readBoolean } from '../query.ts'
import type { Query } from '../query.ts'
import { teamsOf } from '../teams.ts'
import { formatUtc } from '../time.ts'
import { ulid } from '../ulid.ts'
import { findUser } from '../users.ts'

const managedScopes = ['data:read', 'data:write']

export function userResponse (user: ManagedUser): UserResponse {
  return {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    admin: false,
    registered_at: user.registeredAt,
    display_name: displayName(user.firstName, user.lastName),
    is_managed: true,
  }
}

export function managedSummary (user: ManagedUser): UserSummary {
  return { id: user.id, first_name: user.firstName, last_name: user.lastName, scopes: [...managedScopes], display_name: displayName(user.firstName, user.lastName), is_managed: true }
}

/** A login user as a `UserSummary` with the scopes the viewer holds for them. */
export function userSummary (userId: string, scopes: string[]): UserSummary | null {
  const user = findUser(userId)
  if (user === undefined) return null
  return { id: user.id, first_name: user.givenName, last_name: user.familyName, scopes, display_name: user.name, is_managed: false }
}

export default async function users (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  const random = createRandom(randomInt(2 ** 32))

  /** A managed user of the caller, or null after answering 404. */
  function managedOf (managerId: string, userId: string): ManagedUser | null {
    const user = state.managedUsers.get(userId)
    return user !== undefined && user.managerId === managerId ? user : null
  }

  fastify.get('/api/v1/users/', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:read', { rejectDelegated: true })
    if (caller === null) return reply
    const query = request.query as Query
    const issues: ValidationIssue[] = []
    const includeManaged = readBoolean(query, 'include_managed', true, issues)
    const includeShared = readBoolean(query, 'include_shared', true, issues)
    if (issues.length > 0) return sendValidationError(reply, issues)
    const me = caller.user.managerId === null ? userSummary(caller.user.id, caller.scopes.filter((scope) => scope.startsWith('data:'))) : null
    const users: UserSummary[] = me === null ? [] : [me]
    if (includeManaged) {
      for (const user of state.managedUsers.values()) if (user.managerId === caller.user.id) users.push(managedSummary(user))
    }
    if (includeShared) {
      const shared = new Map<string, Set<string>>()
      for (const team of teamsOf(state.teams, caller.user.id)) {
        for (const [userId, scopes] of state.teams.grants.get(team.id) ?? []) {
          if (userId === caller.user.id || scopes.length === 0) continue
          const held = shared.get(userId) ?? new Set<string>()
          for (const scope of scopes) held.add(scope)
          shared.set(userId, held)
        }
      }
      for (const [userId, scopes] of shared) {
        const summary = userSummary(userId, [...scopes])
        if (summary !== null) users.push(summary)
      }
    }
    // SweatStack has no `name` filter here (its Python client sends one and filters on its own side): ignored.
    return users
  })

  fastify.post<{ Body: { first_name: string, last_name?: string | null } }>('/api/v1/users/', {
    schema: { body: contractBody('ManagedUserCreate') },
    preValidation: requireCaller(state, 'data:write', { rejectDelegated: true }),
  }, async (request, reply) => {
    const caller = callerOf(request)
    const firstName = request.body.first_name.trim()
    if (firstName === '') return sendValidationError(reply, [bodyIssue(['first_name'], 'String should have at least 1 character', 'string_too_short')])
    const registeredMs = Math.floor(state.now() / 1000) * 1000
    const user: ManagedUser = { id: ulid(registeredMs, random), firstName, lastName: request.body.last_name ?? null, registeredAt: formatUtc(registeredMs), managerId: caller.user.id }
    state.managedUsers.set(user.id, user)
    return userResponse(user)
  })

  fastify.get<{ Params: { userId: string } }>('/api/v1/users/:userId', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'profile', { rejectDelegated: true })
    if (caller === null) return reply
    const user = managedOf(caller.user.id, request.params.userId)
    if (user === null) return sendDetail(reply, 404, 'User not found')
    return userResponse(user)
  })

  // Form-urlencoded, partial: only the fields given change (a JSON body sets nothing, as with FastAPI's Form fields).
  fastify.put<{ Params: { userId: string } }>('/api/v1/users/:userId', {
    schema: { body: contractBody('ManagedUserUpdate') },
    preValidation: requireCaller(state, 'data:write', { rejectDelegated: true }),
  }, async (request, reply) => {
    const caller = callerOf(request)
    const user = managedOf(caller.user.id, request.params.userId)
    if (user === null) return sendDetail(reply, 404, 'User not found')
    const isForm = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
    const fields = isForm ? formFields(request.body) : {}
    if (fields.first_name !== undefined) {
      if (fields.first_name.trim() === '') return sendValidationError(reply, [bodyIssue(['first_name'], 'String should have at least 1 character', 'string_too_short')])
      user.firstName = fields.first_name.trim()
    }
    if (fields.last_name !== undefined) user.lastName = fields.last_name === '' ? null : fields.last_name
    return userResponse(user)
  })

  fastify.delete<{ Params: { userId: string } }>('/api/v1/users/:userId', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:write', { rejectDelegated: true })
    if (caller === null) return reply
    const user = managedOf(caller.user.id, request.params.userId)
    if (user === null) return sendDetail(reply, 404, 'User not found')
    // The user and all their data.
    state.managedUsers.delete(user.id)
    state.activities.delete(user.id)
    state.traces.delete(user.id)
    state.tests.delete(user.id)
    state.dailies.delete(user.id)
    state.appMetadata.dropUser(user.id)
    state.grants.revokeUser(user.id)
    return reply.code(204).send()
  })
}
