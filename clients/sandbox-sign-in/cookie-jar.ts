// A cookie jar for HTTP clients that act as a browser on one site (fetch with redirect: 'manual'):
// used by scripts/smoke-sign-in.ts and the bench.

export interface StoredCookie { value: string, path: string }

/** Cookies kept by name and path, as a browser keeps them for one site. */
export class CookieJar {
  readonly cookies = new Map<string, StoredCookie>()

  header (url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, cookie]) => url.pathname === cookie.path ||
        url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : cookie.path + '/'))
      .map(([name, cookie]) => `${name}=${cookie.value}`).join('; ')
  }

  store (response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map(part => part.trim())
      const equals = pair.indexOf('=')
      if (equals <= 0) continue
      const name = pair.slice(0, equals)
      const value = pair.slice(equals + 1)
      let path = '/'
      let expired = value === ''
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=', 2).map(s => s.trim())
        if (key.toLowerCase() === 'path' && val.startsWith('/')) path = val
        if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true
        if (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) expired = true
      }
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, { value, path })
    }
  }
}
