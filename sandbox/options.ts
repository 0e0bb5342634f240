import type { PromptNoneMode, TokenErrorShape } from './state.ts'
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
  /** How long an uploaded source stays `processing` (default 200 ms). */
  uploadProcessingDelayMs?: number
  /** Where to send signed webhooks; none when absent. */
  webhooks?: { url: string, secret: string }
  /** Pause between backfill-status lines (default 1000 ms). */
  backfillIntervalMs?: number
  /** Backfill-status lines before the stream closes (default 5; it also closes after 60 s). */
  backfillUpdates?: number
  /** How `prompt=none` is read (default `skip-consent`, as SweatStack's clients read it; `oidc` is strict). */
  promptNone?: PromptNoneMode
  /** The body of the token endpoint's refusals (default `oauth`). */
  tokenErrorShape?: TokenErrorShape
}

export interface ResolvedOptions {
  clientId: string
  clientSecret: string
  redirectUris: string[]
  accessTokenTtlSeconds: number
  rotateRefreshTokens: boolean
  seedEndDate: string
  now: () => number
  uploadProcessingDelayMs: number
  backfillIntervalMs: number
  backfillUpdates: number
  promptNone: PromptNoneMode
  tokenErrorShape: TokenErrorShape
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
    uploadProcessingDelayMs: options.uploadProcessingDelayMs ?? 200,
    backfillIntervalMs: options.backfillIntervalMs ?? 1000,
    backfillUpdates: options.backfillUpdates ?? 5,
    promptNone: options.promptNone ?? 'skip-consent',
    tokenErrorShape: options.tokenErrorShape ?? 'oauth',
  }
  if (!isPositiveInteger(resolved.accessTokenTtlSeconds)) {
    throw new Error(`accessTokenTtlSeconds must be a positive integer, got ${resolved.accessTokenTtlSeconds}`)
  }
  for (const name of ['uploadProcessingDelayMs', 'backfillIntervalMs'] as const) {
    if (!isNonNegativeInteger(resolved[name])) throw new Error(`${name} must be a non-negative integer, got ${resolved[name]}`)
  }
  if (!isPositiveInteger(resolved.backfillUpdates)) throw new Error(`backfillUpdates must be a positive integer, got ${resolved.backfillUpdates}`)
  if (!PROMPT_NONE_MODES.includes(resolved.promptNone)) throw new Error(`promptNone must be one of ${PROMPT_NONE_MODES.join(', ')}, got ${resolved.promptNone}`)
  if (!TOKEN_ERROR_SHAPES.includes(resolved.tokenErrorShape)) throw new Error(`tokenErrorShape must be one of ${TOKEN_ERROR_SHAPES.join(', ')}, got ${resolved.tokenErrorShape}`)
  return resolved
}

export const PROMPT_NONE_MODES: readonly PromptNoneMode[] = ['skip-consent', 'oidc']
export const TOKEN_ERROR_SHAPES: readonly TokenErrorShape[] = ['oauth', 'fastapi']

export function isPositiveInteger (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}

export function isNonNegativeInteger (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}
