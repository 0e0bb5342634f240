import type { JsonObject } from './models.ts'

export type AppMetadataKind = 'activity' | 'trace' | 'test' | 'profile'

/** Per application (client id) and record: each app sees only what it wrote. */
export interface AppMetadataStore {
  get: (clientId: string | null, kind: AppMetadataKind, userId: string, recordId: string) => JsonObject | null
  set: (clientId: string, kind: AppMetadataKind, userId: string, recordId: string, value: JsonObject) => void
  delete: (clientId: string, kind: AppMetadataKind, userId: string, recordId: string) => boolean
  /** Drops every app's metadata on a record (the record is gone). */
  dropRecord: (kind: AppMetadataKind, userId: string, recordId: string) => void
  dropUser: (userId: string) => void
}

export const appMetadataLimits: Record<AppMetadataKind, number> = { activity: 1024, trace: 1024, test: 1024, profile: 4096 }
export const maxAppMetadataDepth = 32

/** Nesting depth of a JSON value: 0 for a scalar, 1 for `{}`, 2 for `{"a": {}}`. */
export function jsonDepth (value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0
  let deepest = 0
  for (const inner of Object.values(value)) deepest = Math.max(deepest, jsonDepth(inner))
  return deepest + 1
}

export function createAppMetadataStore (): AppMetadataStore {
  const entries = new Map<string, { clientId: string, kind: AppMetadataKind, userId: string, recordId: string, value: JsonObject }>()
  const keyOf = (clientId: string, kind: string, userId: string, recordId: string): string => JSON.stringify([clientId, kind, userId, recordId])
  return {
    get: (clientId, kind, userId, recordId) => clientId === null ? null : structuredClone(entries.get(keyOf(clientId, kind, userId, recordId))?.value ?? null),
    set (clientId, kind, userId, recordId, value) {
      entries.set(keyOf(clientId, kind, userId, recordId), { clientId, kind, userId, recordId, value: structuredClone(value) })
    },
    delete: (clientId, kind, userId, recordId) => entries.delete(keyOf(clientId, kind, userId, recordId)),
    dropRecord (kind, userId, recordId) {
      for (const [key, entry] of entries) if (entry.kind === kind && entry.userId === userId && entry.recordId === recordId) entries.delete(key)
    },
    dropUser (userId) {
      for (const [key, entry] of entries) if (entry.userId === userId) entries.delete(key)
    },
  }
}
