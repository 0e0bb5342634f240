import { createRandom, seedFromLabel } from './prng.ts'
import { ulid } from './ulid.ts'
import { findUser, sandboxUsers } from './users.ts'
import type { SandboxUser } from './users.ts'

/** A managed user: a person without a login whose data a coach keeps. */
export interface ManagedUser {
  id: string
  firstName: string
  lastName: string | null
  registeredAt: string
  managerId: string
}

/** Anyone the API can act for: a seeded (login) user or a managed user. */
export interface Account {
  id: string
  name: string
  givenName: string
  familyName: string | null
  email: string | null
  registeredAt: string
  /** The coach who manages this account; null for users who sign in themselves. */
  managerId: string | null
}

export function displayName (firstName: string | null, lastName: string | null): string {
  return [firstName, lastName].filter((part) => part !== null && part !== '').join(' ')
}

export function accountOfUser (user: SandboxUser): Account {
  return { id: user.id, name: user.name, givenName: user.givenName, familyName: user.familyName, email: user.email, registeredAt: user.registeredAt, managerId: null }
}

export function accountOfManaged (user: ManagedUser): Account {
  return {
    id: user.id,
    name: displayName(user.firstName, user.lastName),
    givenName: user.firstName,
    familyName: user.lastName,
    email: null,
    registeredAt: user.registeredAt,
    managerId: user.managerId,
  }
}

export function findAccount (managedUsers: ReadonlyMap<string, ManagedUser>, id: string): Account | undefined {
  const user = findUser(id)
  if (user !== undefined) return accountOfUser(user)
  const managed = managedUsers.get(id)
  return managed === undefined ? undefined : accountOfManaged(managed)
}

function coachId (): string {
  const coach = sandboxUsers.find((user) => user.role === 'coach')
  if (coach === undefined) throw new Error('the seed has no coach')
  return coach.id
}

/** The seeded managed user, "Dana Managed", kept by Coach Carter; the id never changes between runs. */
export const seededManagedUser: ManagedUser = Object.freeze({
  id: ulid(Date.parse('2025-02-14T09:00:00Z'), createRandom(seedFromLabel('managed user Dana Managed'))),
  firstName: 'Dana',
  lastName: 'Managed',
  registeredAt: '2025-02-14T09:00:00Z',
  managerId: coachId(),
})

export function seedManagedUsers (): Map<string, ManagedUser> {
  return new Map([[seededManagedUser.id, { ...seededManagedUser }]])
}
