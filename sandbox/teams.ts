import type { ManagedUser } from './accounts.ts'
import { createRandom, seedFromLabel } from './prng.ts'
import { ulid } from './ulid.ts'
import { sandboxUsers } from './users.ts'

export interface Team {
  id: string
  name: string
  description: string
  url: string
  image: string
  privacyStatement: string
  ownerId: string
  memberIds: string[]
}

export interface TeamStore {
  teams: Team[]
  /** Per team id: user id → the scopes that user granted the team. */
  grants: Map<string, Map<string, string[]>>
}

const coach = sandboxUsers.find((user) => user.role === 'coach')
if (coach === undefined) throw new Error('the seed has no coach')

/** The seeded team "Carter Endurance", owned by Coach Carter; every athlete authorised it with `data:read`. */
export const seededTeam: Readonly<Team> = Object.freeze({
  id: ulid(Date.parse('2024-01-09T08:00:00Z'), createRandom(seedFromLabel('team Carter Endurance'))),
  name: 'Carter Endurance',
  description: 'Endurance coaching for cyclists, runners and skiers.',
  url: 'https://carter-endurance.example.com',
  image: 'https://carter-endurance.example.com/logo.png',
  privacyStatement: 'https://carter-endurance.example.com/privacy',
  ownerId: coach.id,
  memberIds: [],
})

export function seedTeams (): TeamStore {
  const athletes = sandboxUsers.filter((user) => user.role === 'athlete')
  return {
    teams: [{ ...seededTeam, memberIds: [...seededTeam.memberIds] }],
    grants: new Map([[seededTeam.id, new Map(athletes.map((athlete) => [athlete.id, ['data:read']]))]]),
  }
}

export function roleIn (team: Team, userId: string): 'owner' | 'member' | null {
  if (team.ownerId === userId) return 'owner'
  return team.memberIds.includes(userId) ? 'member' : null
}

/** Teams the principal owns or is a member of. */
export function teamsOf (store: TeamStore, principalId: string): Team[] {
  return store.teams.filter((team) => roleIn(team, principalId) !== null)
}

/**
 * The scopes a principal holds for another user through teams (one team when `teamId` is given);
 * null when no such share exists.
 */
export function sharedScopes (store: TeamStore, principalId: string, userId: string, teamId?: string): string[] | null {
  let scopes: string[] | null = null
  for (const team of teamsOf(store, principalId)) {
    if (teamId !== undefined && team.id !== teamId) continue
    const granted = store.grants.get(team.id)?.get(userId)
    if (granted === undefined || granted.length === 0) continue
    scopes = [...new Set([...(scopes ?? []), ...granted])]
  }
  return scopes
}

/** Whether `principalId` may act as `userId`: themselves, a managed user of theirs, or a user sharing through a team. */
export function mayActAs (store: TeamStore, managedUsers: ReadonlyMap<string, ManagedUser>, principalId: string, userId: string, teamId?: string): boolean {
  if (teamId === undefined && (userId === principalId || managedUsers.get(userId)?.managerId === principalId)) return true
  return sharedScopes(store, principalId, userId, teamId) !== null
}
