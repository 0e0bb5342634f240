import type { FastifyReply, FastifyRequest } from 'fastify'
import { findAccount } from './accounts.ts'
import type { Account } from './accounts.ts'
import { sendDetail } from './errors.ts'
import type { SandboxState } from './state.ts'

export interface Caller {
  /** Whose data the token reads and writes: the signed-in user, or the athlete of a delegated token. */
  user: Account
  scopes: string[]
  /** The principal (coach) of a delegated token, else null. */
  actorId: string | null
  /** The application (`aud`) the token was issued to. */
  clientId: string | null
  jti: string
}

export interface AuthenticateOptions {
  /** Answer 403 to delegated tokens (as `GET /api/v1/users/` and the Portal do). */
  rejectDelegated?: boolean
}

const challenge = { 'www-authenticate': 'Bearer' }

/**
 * Checks the bearer token and scope as SweatStack (FastAPI) does. `scope` is the scope needed, a
 * list of which any one will do, or null for any valid token. Resolves to the caller, or to null
 * after answering 401/403 itself.
 */
export async function authenticate (
  state: SandboxState, request: FastifyRequest, reply: FastifyReply, scope: string | readonly string[] | null, options: AuthenticateOptions = {}
): Promise<Caller | null> {
  const header = request.headers.authorization
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  const token = match?.[1]
  if (token === undefined) {
    sendDetail(reply, 401, 'Not authenticated', challenge)
    return null
  }
  const verified = await state.signer.verify(token, state.options.clientId, state.now())
  const user = verified === null ? undefined : findAccount(state.managedUsers, verified.userId)
  const actorGone = verified?.actorId != null && findAccount(state.managedUsers, verified.actorId) === undefined
  if (verified === null || user === undefined || actorGone || state.grants.isAccessTokenRevoked(verified.jti)) {
    sendDetail(reply, 401, 'Could not validate credentials', challenge)
    return null
  }
  const needed = scope === null ? [] : typeof scope === 'string' ? [scope] : scope
  if (needed.length > 0 && !needed.some((candidate) => verified.scopes.includes(candidate))) {
    sendDetail(reply, 403, 'Not enough permissions')
    return null
  }
  if (options.rejectDelegated === true && verified.actorId !== null) {
    sendDetail(reply, 403, 'Delegated tokens are not accepted here')
    return null
  }
  return { user, scopes: verified.scopes, actorId: verified.actorId, clientId: verified.audience, jti: verified.jti }
}

const callers = new WeakMap<FastifyRequest, Caller>()

/**
 * A `preValidation` hook that authenticates before the body schema is checked, so a request
 * without a valid token gets 401/403 before any 422, as FastAPI resolves its dependencies first.
 * The handler then reads the caller with `callerOf(request)`.
 */
export function requireCaller (state: SandboxState, scope: string | readonly string[] | null, options: AuthenticateOptions = {}) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const caller = await authenticate(state, request, reply, scope, options)
    if (caller === null) return reply
    callers.set(request, caller)
    return undefined
  }
}

export function callerOf (request: FastifyRequest): Caller {
  const caller = callers.get(request)
  if (caller === undefined) throw new Error('callerOf: the route has no requireCaller hook')
  return caller
}
