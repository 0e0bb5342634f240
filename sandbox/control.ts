import type { Fault } from './faults.ts'
import type { WebhookEvent, WebhookSender, WebhookTarget } from './webhooks.ts'
import type { ActivityDetails, SourceResponse } from './models.ts'
import { addActivity, parseNewActivity } from './new-activity.ts'
import type { NewActivityInput } from './new-activity.ts'
import { PROMPT_NONE_MODES, TOKEN_ERROR_SHAPES, isNonNegativeInteger, isPositiveInteger } from './options.ts'
import { emptyStats, initialConfig } from './state.ts'
import type { SandboxConfig, SandboxState, SandboxStats } from './state.ts'
import { sandboxUsers } from './users.ts'
import type { SandboxRole } from './users.ts'

export type { NewActivityInput } from './new-activity.ts'

export interface SandboxUserView {
  id: string
  name: string
  role: SandboxRole
  email: string
}

/** Seeded (and created) accounts and teams beyond the login users, to find their ids. */
export interface SandboxDirectory {
  managedUsers: Array<{ id: string, name: string, managerId: string }>
  teams: Array<{ id: string, name: string, ownerId: string, memberIds: string[], authorizedBy: Record<string, string[]> }>
}

/** The operations behind `/__sandbox/*`, also reachable in-process as `app.sandbox`. */
export interface SandboxControl {
  users: () => SandboxUserView[]
  stats: () => SandboxStats
  /** Counters, faults and config back to the start options; keys, codes, tokens and data stay. */
  reset: () => void
  addFault: (fault: Fault) => void
  faults: () => Fault[]
  clearFaults: () => void
  config: () => SandboxConfig
  setConfig: (change: Partial<SandboxConfig>) => SandboxConfig
  /** Revokes a user's refresh tokens and access tokens, as when they withdraw the app's access. */
  revokeUser: (userId: string) => number
  /** Creates an activity (e.g. a 3-hour 1 Hz one with 8 metrics); throws a TypeError on invalid input. */
  createActivity: (input: NewActivityInput) => ActivityDetails
  directory: () => SandboxDirectory
  /** Where signed webhooks go (null: nowhere), like an app's webhook endpoint and secret at SweatStack. */
  setWebhooks: (target: WebhookTarget | null) => void
  /** Sends one signed webhook now; resolves true once the receiver answered 2xx. */
  sendWebhook: (event: WebhookEvent) => Promise<boolean>
  /** Uploaded sources, oldest first, optionally of one user. */
  sources: (userId?: string) => SourceResponse[]
  /** Every authorization code, access token and refresh token handed out, and the client secret. */
  issuedSecrets: () => string[]
  /** The last 1000 requests received (control API aside), oldest first, as `METHOD target` with the target as sent. */
  received: () => string[]
}

const configChecks: Record<keyof SandboxConfig, (value: unknown) => boolean> = {
  accessTokenTtlSeconds: isPositiveInteger,
  rotateRefreshTokens: (value) => typeof value === 'boolean',
  uploadProcessingDelayMs: isNonNegativeInteger,
  backfillIntervalMs: isNonNegativeInteger,
  backfillUpdates: isPositiveInteger,
  promptNone: (value) => PROMPT_NONE_MODES.includes(value as never),
  tokenErrorShape: (value) => TOKEN_ERROR_SHAPES.includes(value as never),
}

export const configKeys = Object.keys(configChecks) as Array<keyof SandboxConfig>

export function isValidConfigValue (key: keyof SandboxConfig, value: unknown): boolean {
  return configChecks[key](value)
}

export function createControl (state: SandboxState, webhooks: WebhookSender): SandboxControl {
  return {
    setWebhooks: (target) => webhooks.setTarget(target),
    sendWebhook: (event) => webhooks.send(event),
    users: () => sandboxUsers.map(({ id, name, role, email }) => ({ id, name, role, email })),
    stats: () => structuredClone(state.stats),
    issuedSecrets: () => [...state.issued, state.options.clientSecret],
    received: () => [...state.received],
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
      for (const key of configKeys) {
        const value = change[key]
        if (value === undefined) continue
        if (!isValidConfigValue(key, value)) throw new TypeError(`${key} has an invalid value: ${JSON.stringify(value)}`)
        Object.assign(state.config, { [key]: value })
      }
      return { ...state.config }
    },
    revokeUser: (userId) => state.grants.revokeUser(userId),
    createActivity (input) {
      const parsed = parseNewActivity(input)
      if ('issues' in parsed) throw new TypeError(parsed.issues.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; '))
      return structuredClone(addActivity(state, parsed.input))
    },
    directory: () => ({
      managedUsers: [...state.managedUsers.values()].map((user) => ({ id: user.id, name: [user.firstName, user.lastName].filter(Boolean).join(' '), managerId: user.managerId })),
      teams: state.teams.teams.map((team) => ({
        id: team.id,
        name: team.name,
        ownerId: team.ownerId,
        memberIds: [...team.memberIds],
        authorizedBy: Object.fromEntries(state.teams.grants.get(team.id) ?? []),
      })),
    }),
    sources: (userId) => [...state.sources.values()].filter((record) => userId === undefined || record.userId === userId).map((record) => structuredClone(record.source)),
  }
}
