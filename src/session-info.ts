import type { FastifyRequest } from 'fastify'

/** What GET /auth/sweatstack/user says about the session (never a token). */
export async function sessionInfo (request: FastifyRequest) {
  const principal = await request.signedInIdentity()
  const selected = request.session.get('selected')
  const createdAt = request.session.get('createdAt') ?? 0
  return {
    userId: principal.userId,
    name: principal.name,
    selectedUserId: selected?.userId ?? null,
    selectedName: selected?.name ?? null,
    scopes: principal.scopes,
    expiresAt: new Date(createdAt + request.server.config.sessionMaxAgeSeconds * 1000).toISOString(),
  }
}
