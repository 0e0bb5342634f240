import type { Fault } from './faults.ts'
import { isPositiveInteger } from './options.ts'
import { emptyStats, initialConfig } from './state.ts'
import type { SandboxConfig, SandboxState, SandboxStats } from './state.ts'
import { sandboxUsers } from './users.ts'
import type { SandboxRole } from './users.ts'

export interface SandboxUserView {
  id: string
  name: string
  role: SandboxRole
  email: string
}

/** The operations behind `/__sandbox/*`, also reachable in-process as `app.sandbox`. */
export interface SandboxControl {
  users: () => SandboxUserView[]
  stats: () => SandboxStats
  /** Counters, faults and config back to the start options; keys, codes and tokens stay. */
  reset: () => void
  addFault: (fault: Fault) => void
  faults: () => Fault[]
  clearFaults: () => void
  config: () => SandboxConfig
  setConfig: (change: Partial<SandboxConfig>) => SandboxConfig
  /** Revokes a user's refresh tokens and access tokens, as when they withdraw the app's access. */
  revokeUser: (userId: string) => number
}

export function createControl (state: SandboxState): SandboxControl {
  return {
    users: () => sandboxUsers.map(({ id, name, role, email }) => ({ id, name, role, email })),
    stats: () => structuredClone(state.stats),
    reset () {
      state.stats = emptyStats()
      state.faults.length = 0
      state.config = initialConfig(state.options)
    },
    addFault: (fault) => { state.faults.push(fault) },
    faults: () => structuredClone(state.faults),
    clearFaults: () => { state.faults.length = 0 },
    config: () => ({ ...state.config }),
    setConfig (change) {
      if (change.accessTokenTtlSeconds !== undefined) {
        if (!isPositiveInteger(change.accessTokenTtlSeconds)) throw new TypeError('accessTokenTtlSeconds must be a positive integer')
        state.config.accessTokenTtlSeconds = change.accessTokenTtlSeconds
      }
      if (change.rotateRefreshTokens !== undefined) state.config.rotateRefreshTokens = change.rotateRefreshTokens
      return { ...state.config }
    },
    revokeUser: (userId) => state.grants.revokeUser(userId),
  }
}
