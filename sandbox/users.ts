import { createRandom, seedFromLabel } from './prng.ts'
import { ulid } from './ulid.ts'

export type SandboxRole = 'athlete' | 'coach'

export interface SandboxUser {
  id: string
  name: string
  givenName: string
  familyName: string
  email: string
  role: SandboxRole
  registeredAt: string
  timeZone: string
}

interface UserSeed {
  givenName: string
  familyName: string
  email: string
  role: SandboxRole
  registeredAt: string
  timeZone: string
}

const userSeeds: UserSeed[] = [
  { givenName: 'Alice', familyName: 'Anderson', email: 'alice.anderson@example.com', role: 'athlete', registeredAt: '2024-03-12T08:15:42Z', timeZone: 'Europe/Oslo' },
  { givenName: 'Bob', familyName: 'Berg', email: 'bob.berg@example.com', role: 'athlete', registeredAt: '2024-06-03T19:02:11Z', timeZone: 'Europe/Oslo' },
  { givenName: 'Chloé', familyName: 'Dubois', email: 'chloe.dubois@example.com', role: 'athlete', registeredAt: '2024-09-21T07:45:03Z', timeZone: 'Europe/Paris' },
  { givenName: 'Coach', familyName: 'Carter', email: 'coach.carter@example.com', role: 'coach', registeredAt: '2024-01-08T10:30:00Z', timeZone: 'Europe/Oslo' },
]

function createUsers (): SandboxUser[] {
  const random = createRandom(seedFromLabel('sandbox users'))
  return userSeeds.map((seed) => ({
    id: ulid(Date.parse(seed.registeredAt), random),
    name: `${seed.givenName} ${seed.familyName}`,
    ...seed,
  }))
}

/** The seeded accounts; their ids never change between runs. */
export const sandboxUsers: readonly SandboxUser[] = Object.freeze(createUsers())

export function findUser (id: string): SandboxUser | undefined {
  return sandboxUsers.find((user) => user.id === id)
}
