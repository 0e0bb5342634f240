export type Random = () => number

// mulberry32: tiny, fast and identical on every platform, which is all the seed needs.
export function createRandom (seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// FNV-1a, to turn a readable label into a PRNG seed.
export function seedFromLabel (label: string): number {
  let hash = 0x811c9dc5
  for (const char of label) {
    hash ^= char.codePointAt(0) ?? 0
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

export function between (random: Random, min: number, max: number): number {
  return min + random() * (max - min)
}

export function intBetween (random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1))
}

export function chance (random: Random, probability: number): boolean {
  return random() < probability
}

export function pickWeighted<T> (random: Random, entries: ReadonlyArray<readonly [T, number]>): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0)
  let roll = random() * total
  for (const [value, weight] of entries) {
    roll -= weight
    if (roll < 0) return value
  }
  const last = entries.at(-1)
  if (last === undefined) throw new Error('pickWeighted needs at least one entry')
  return last[0]
}

export function shuffle<T> (random: Random, items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const a = copy[i] as T
    copy[i] = copy[j] as T
    copy[j] = a
  }
  return copy
}
