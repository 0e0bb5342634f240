export const knownScopes = ['data:read', 'data:write', 'admin', 'openid', 'profile', 'offline_access'] as const

/** Splits a scope parameter on spaces or commas: the SDK sends spaces, StreamlitAuth commas. */
export function splitScopes (value: string): string[] {
  return [...new Set(value.split(/[\s,]+/).filter(Boolean))]
}

export function unknownScopes (scopes: string[]): string[] {
  return scopes.filter((scope) => !(knownScopes as readonly string[]).includes(scope))
}
