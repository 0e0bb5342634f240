const loopbackHosts = new Set(['localhost', '127.0.0.1'])

/**
 * SweatStack's rule: with no registered URI any http://localhost:* or http://127.0.0.1:* URI is allowed;
 * otherwise the URI must be a registered one or sit under it (a sub-URL, not a mere string prefix).
 */
export function isAllowedRedirectUri (redirectUri: string, registered: string[]): boolean {
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    return false
  }
  if (url.hash !== '') return false
  if (registered.length === 0) return url.protocol === 'http:' && loopbackHosts.has(url.hostname)
  return registered.some((base) => {
    if (redirectUri === base) return true
    if (!redirectUri.startsWith(base)) return false
    const next = redirectUri.charAt(base.length)
    return base.endsWith('/') || next === '/' || next === '?'
  })
}

export function redirectWith (redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri)
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value)
  }
  return url.toString()
}
