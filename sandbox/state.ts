import { EventEmitter } from 'node:events'
import { seedManagedUsers } from './accounts.ts'
import type { ManagedUser } from './accounts.ts'
import { createAppMetadataStore } from './app-metadata.ts'
import type { AppMetadataStore } from './app-metadata.ts'
import { seedDailies } from './dailies.ts'
import type { DailyStore } from './dailies.ts'
import type { Fault } from './faults.ts'
import { createGrantStore } from './grants.ts'
import type { GrantStore } from './grants.ts'
import type { ActivityDetails, SourceResponse } from './models.ts'
import type { ResolvedOptions } from './options.ts'
import { seedRecords } from './records.ts'
import type { TestRecord, TraceRecord } from './records.ts'
import { seedActivities } from './seed.ts'
import { seedTeams } from './teams.ts'
import type { TeamStore } from './teams.ts'
import { createAccessTokenSigner } from './tokens.ts'
import type { AccessTokenSigner } from './tokens.ts'
import { sandboxUsers } from './users.ts'

/** What `/__sandbox/config` may change at runtime. */
export interface SandboxConfig {
  accessTokenTtlSeconds: number
  rotateRefreshTokens: boolean
  /** How long an uploaded source stays `processing` before it is `processed` or `failed`. */
  uploadProcessingDelayMs: number
  /** Pause between two lines of the backfill-status stream. */
  backfillIntervalMs: number
  /** Lines the backfill-status stream writes before it closes (it also closes after 60 s). */
  backfillUpdates: number
  /**
   * How `prompt=none` is read. `skip-consent` (SweatStack's clients' reading): skip the consent screen.
   * `oidc` (OpenID Connect's): never show a page; without a prior consent of this user to this app,
   * answer `login_required` (the sign-in page) or `consent_required` (a scripted user) instead.
   */
  promptNone: PromptNoneMode
  /** The body of the token endpoint's refusals: OAuth's `{error, error_description}` or FastAPI's `{detail}`. */
  tokenErrorShape: TokenErrorShape
}

export type PromptNoneMode = 'skip-consent' | 'oidc'
export type TokenErrorShape = 'oauth' | 'fastapi'

export interface SandboxStats {
  /** Token endpoint calls per grant type, failed ones included. */
  token: { authorization_code: number, refresh_token: number }
  /** Every request except those to `/__sandbox/*`. */
  requests: number
  /** Authorization codes handed out. */
  authorizations: number
  /** Files and bytes received by successful uploads (`POST /api/v1/activities/upload`). */
  uploads: { files: number, bytes: number }
}

export interface SourceRecord {
  userId: string
  source: SourceResponse
}

export interface ScheduledWorkout {
  userId: string
  body: Record<string, unknown>
}

/**
 * Events for webhooks (not sent yet): listen on `state.events`. Each carries the user id and the
 * resource id, like SweatStack's webhook body.
 */
export interface SandboxEvents {
  activity_created: [{ userId: string, resourceId: string }]
  source_processed: [{ userId: string, resourceId: string, activityIds: string[] }]
  source_failed: [{ userId: string, resourceId: string, code: string }]
}

export interface SandboxState {
  options: ResolvedOptions
  config: SandboxConfig
  stats: SandboxStats
  faults: Fault[]
  grants: GrantStore
  signer: AccessTokenSigner
  /** Per user id, newest first. */
  activities: Map<string, ActivityDetails[]>
  managedUsers: Map<string, ManagedUser>
  teams: TeamStore
  /** Per user id, newest first. */
  traces: Map<string, TraceRecord[]>
  /** Per user id, newest first. */
  tests: Map<string, TestRecord[]>
  dailies: DailyStore
  appMetadata: AppMetadataStore
  sources: Map<string, SourceRecord>
  portalSessions: Map<string, { returnUrl: string | null, destination: string }>
  workouts: Map<string, ScheduledWorkout>
  events: EventEmitter<SandboxEvents>
  /** Pending timers (upload processing), cleared when the app closes. */
  timers: Set<NodeJS.Timeout>
  now: () => number
  /** Every code and token handed out, for tests that check none of them leaks. */
  issued: Set<string>
  /** Scopes each user has consented to per app (`clientId userId`), for `prompt=none` in `oidc` mode. */
  consents: Map<string, Set<string>>
  /** What was received, oldest first: `METHOD target` as sent (percent-encoding kept), the last 1000. */
  received: string[]
}

export function initialConfig (options: ResolvedOptions): SandboxConfig {
  return {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    rotateRefreshTokens: options.rotateRefreshTokens,
    uploadProcessingDelayMs: options.uploadProcessingDelayMs,
    backfillIntervalMs: options.backfillIntervalMs,
    backfillUpdates: options.backfillUpdates,
    promptNone: options.promptNone,
    tokenErrorShape: options.tokenErrorShape,
  }
}

export function emptyStats (): SandboxStats {
  return { token: { authorization_code: 0, refresh_token: 0 }, requests: 0, authorizations: 0, uploads: { files: 0, bytes: 0 } }
}

const dailyProfiles: Record<string, { bodyMass: number, restingHr: number, hrv: number, sleepHours: number }> = {
  Alice: { bodyMass: 61.5, restingHr: 46, hrv: 74, sleepHours: 7.7 },
  Bob: { bodyMass: 73.8, restingHr: 50, hrv: 61, sleepHours: 7.2 },
  Chloé: { bodyMass: 57.9, restingHr: 48, hrv: 82, sleepHours: 8 },
}

export async function createState (options: ResolvedOptions): Promise<SandboxState> {
  const activities = seedActivities(options.seedEndDate)
  const traces = new Map<string, TraceRecord[]>()
  const tests = new Map<string, TestRecord[]>()
  const athletes = sandboxUsers.filter((user) => user.role === 'athlete')
  for (const athlete of athletes) {
    const records = seedRecords(athlete.id, activities.get(athlete.id) ?? [])
    traces.set(athlete.id, records.traces)
    tests.set(athlete.id, records.tests)
  }
  const dailyUsers = athletes.flatMap((athlete) => {
    const profile = dailyProfiles[athlete.givenName]
    return profile === undefined ? [] : [{ id: athlete.id, profile }]
  })
  return {
    options,
    config: initialConfig(options),
    stats: emptyStats(),
    faults: [],
    grants: createGrantStore(options.now),
    issued: new Set(),
    consents: new Map(),
    received: [],
    signer: await createAccessTokenSigner(),
    activities,
    managedUsers: seedManagedUsers(),
    teams: seedTeams(),
    traces,
    tests,
    dailies: seedDailies(dailyUsers, options.seedEndDate),
    appMetadata: createAppMetadataStore(),
    sources: new Map(),
    portalSessions: new Map(),
    workouts: new Map(),
    events: new EventEmitter<SandboxEvents>(),
    timers: new Set(),
    now: options.now,
  }
}
