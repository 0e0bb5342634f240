import type { FastifyReply, FastifyRequest } from 'fastify'
import { sendDetail } from './errors.ts'
import type { SandboxState } from './state.ts'
import { findUser } from './users.ts'
import type { SandboxUser } from './users.ts'

export interface Caller {
  user: SandboxUser
  scopes: string[]
}

const challenge = { 'www-authenticate': 'Bearer' }

/**
 * Checks the bearer token and scope as SweatStack (FastAPI) does. Resolves to the caller, or to null
 * after answering 401/403 itself.
 */
export async function authenticate (state: SandboxState, request: FastifyRequest, reply: FastifyReply, scope: string): Promise<Caller | null> {
  const header = request.headers.authorization
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  const token = match?.[1]
  if (token === undefined) {
    sendDetail(reply, 401, 'Not authenticated', challenge)
    return null
  }
  const verified = await state.signer.verify(token, state.options.clientId, state.now())
  const user = verified === null ? undefined : findUser(verified.userId)
  if (verified === null || user === undefined || state.grants.isAccessTokenRevoked(verified.jti)) {
    sendDetail(reply, 401, 'Could not validate credentials', challenge)
    return null
  }
  if (!verified.scopes.includes(scope)) {
    sendDetail(reply, 403, 'Not enough permissions')
    return null
  }
  return { user, scopes: verified.scopes }
}
