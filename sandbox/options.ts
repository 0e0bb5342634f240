import { formatDate } from './time.ts'

export interface SandboxOptions {
  clientId?: string
  clientSecret?: string
  /** Registered redirect URIs; none registered allows any http://localhost:* or http://127.0.0.1:* URI. */
  redirectUris?: string[]
  accessTokenTtlSeconds?: number
  rotateRefreshTokens?: boolean
  /** Last day (YYYY-MM-DD) of the seeded year of activities; default today in UTC. */
  seedEndDate?: string
  logger?: boolean | object
  /** Clock in epoch milliseconds, for tests that need codes or tokens to expire. */
  now?: () => number
}

export interface ResolvedOptions {
  clientId: string
  clientSecret: string
  redirectUris: string[]
  accessTokenTtlSeconds: number
  rotateRefreshTokens: boolean
  seedEndDate: string
  now: () => number
}

export function resolveOptions (options: SandboxOptions): ResolvedOptions {
  const now = options.now ?? Date.now
  const resolved: ResolvedOptions = {
    clientId: options.clientId ?? 'sandbox-client',
    clientSecret: options.clientSecret ?? 'sandbox-secret',
    redirectUris: options.redirectUris ?? [],
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 900,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    seedEndDate: options.seedEndDate ?? formatDate(now()),
    now,
  }
  if (!isPositiveInteger(resolved.accessTokenTtlSeconds)) {
    throw new Error(`accessTokenTtlSeconds must be a positive integer, got ${resolved.accessTokenTtlSeconds}`)
  }
  return resolved
}

export function isPositiveInteger (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}
