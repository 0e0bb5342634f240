/**
 * Where to send the browser after sign-in or sign-out. Only URLs on an allowed origin pass; anything
 * else (scheme-relative `//evil`, backslashes, other schemes, userinfo tricks) falls back.
 * Relative paths are taken relative to the first frontend origin, where the user came from.
 */
export function safeRedirectTarget (next: string | undefined, allowedOrigins: readonly string[], fallback: string, maxLength = 2048): string {
  if (next === undefined || next === '' || next.length > maxLength) return fallback
  // Browsers treat `\` like `/` and drop tabs/newlines, so `/\evil.com` would become `//evil.com`.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return fallback
  let url: URL
  try {
    url = new URL(next, fallback)
  } catch {
    return fallback
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fallback
  if (url.username !== '' || url.password !== '') return fallback
  if (!allowedOrigins.includes(url.origin)) return fallback
  return url.href
}

/** Adds `name=value` to a URL's query, keeping what is there. */
export function withQueryParameter (target: string, name: string, value: string): string {
  const url = new URL(target)
  url.searchParams.set(name, value)
  return url.href
}
