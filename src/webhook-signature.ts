import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_TOLERANCE_SECONDS = 300

export type SignatureCheck = { ok: true, timestamp: number } | { ok: false, reason: 'missing' | 'malformed' | 'stale' | 'mismatch' }

/** `X-Sweatstack-Signature: t=<unix>,v1=<hex>`: HMAC-SHA256 of `"<t>." + raw body`, any of several secrets. */
export function signWebhook (secret: string, timestamp: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

export function verifyWebhookSignature (header: string | undefined, body: Buffer, secrets: readonly string[], nowSeconds: number): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' }
  let timestamp: number | undefined
  const signatures: Buffer[] = []
  for (const part of header.split(',')) {
    const equals = part.indexOf('=')
    if (equals < 0) continue
    const key = part.slice(0, equals).trim()
    const value = part.slice(equals + 1).trim()
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    // Several v1 values may come while SweatStack rolls its secret.
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value.toLowerCase(), 'hex'))
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' }
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' }
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex')
    if (signatures.some(signature => timingSafeEqual(signature, expected))) return { ok: true, timestamp }
  }
  return { ok: false, reason: 'mismatch' }
}
