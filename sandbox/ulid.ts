import type { Random } from './prng.ts'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A ULID whose first 10 characters encode `timeMs` and whose last 16 come from `random`. */
export function ulid (timeMs: number, random: Random): string {
  let time = ''
  let rest = Math.floor(timeMs)
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(rest % 32) + time
    rest = Math.floor(rest / 32)
  }
  let entropy = ''
  for (let i = 0; i < 16; i++) entropy += CROCKFORD.charAt(Math.floor(random() * 32))
  return time + entropy
}

/** The millisecond timestamp encoded in a ULID. */
export function ulidTime (id: string): number {
  let time = 0
  for (const char of id.slice(0, 10)) time = time * 32 + CROCKFORD.indexOf(char)
  return time
}
