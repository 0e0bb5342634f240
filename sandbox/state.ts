import type { Fault } from './faults.ts'
import { createGrantStore } from './grants.ts'
import type { GrantStore } from './grants.ts'
import type { ActivityDetails } from './models.ts'
import type { ResolvedOptions } from './options.ts'
import { seedActivities } from './seed.ts'
import { createAccessTokenSigner } from './tokens.ts'
import type { AccessTokenSigner } from './tokens.ts'

/** What `/__sandbox/config` may change at runtime. */
export interface SandboxConfig {
  accessTokenTtlSeconds: number
  rotateRefreshTokens: boolean
}

export interface SandboxStats {
  /** Token endpoint calls per grant type, failed ones included. */
  token: { authorization_code: number, refresh_token: number }
  /** Every request except those to `/__sandbox/*`. */
  requests: number
  /** Authorization codes handed out. */
  authorizations: number
}

export interface SandboxState {
  options: ResolvedOptions
  config: SandboxConfig
  stats: SandboxStats
  faults: Fault[]
  grants: GrantStore
  signer: AccessTokenSigner
  activities: Map<string, ActivityDetails[]>
  now: () => number
}

export function initialConfig (options: ResolvedOptions): SandboxConfig {
  return { accessTokenTtlSeconds: options.accessTokenTtlSeconds, rotateRefreshTokens: options.rotateRefreshTokens }
}

export function emptyStats (): SandboxStats {
  return { token: { authorization_code: 0, refresh_token: 0 }, requests: 0, authorizations: 0 }
}

export async function createState (options: ResolvedOptions): Promise<SandboxState> {
  return {
    options,
    config: initialConfig(options),
    stats: emptyStats(),
    faults: [],
    grants: createGrantStore(options.now),
    signer: await createAccessTokenSigner(),
    activities: seedActivities(options.seedEndDate),
    now: options.now,
  }
}
