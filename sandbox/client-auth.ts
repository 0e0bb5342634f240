import { timingSafeEqual } from 'node:crypto'
import type { FormFields } from './form-body.ts'

export interface ClientCredentials {
  clientId: string | undefined
  clientSecret: string | undefined
  /** Whether they came in an `Authorization: Basic` header. */
  basic: boolean
  /** Both the header and the body named a client, and not the same one. */
  conflicting: boolean
}

function decodeBasic (header: string): [string, string] | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (match?.[1] === undefined) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    return [decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '))]
  } catch {
    return null
  }
}

/** Client credentials from HTTP Basic or from the form body (`client_id`, `client_secret`). */
export function readClientCredentials (authorization: string | undefined, form: FormFields): ClientCredentials {
  const basic = authorization === undefined ? null : decodeBasic(authorization)
  if (basic === null) return { clientId: form.client_id, clientSecret: form.client_secret, basic: false, conflicting: false }
  const [clientId, clientSecret] = basic
  const conflicting = form.client_id !== undefined && form.client_id !== clientId
  return { clientId, clientSecret, basic: true, conflicting }
}

export function sameSecret (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
