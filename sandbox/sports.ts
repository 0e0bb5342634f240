import type { ValidationIssue } from './errors.ts'

// OpenSportTaxonomy: code(.sub)*(+modifier)*
/** The Open Sport Taxonomy's grammar: segments `[a-z][a-z0-9_]*` joined by `.`, then modifiers `+[a-z][a-z_]*`. */
export const sportPattern = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*(?:\+[a-z][a-z_]*)*$/

export function validateSports (sports: string[], name: string, issues: ValidationIssue[]): void {
  sports.forEach((sport, index) => {
    if (!sportPattern.test(sport)) {
      issues.push({ loc: ['query', name, index], msg: `String should match pattern '${sportPattern.source}'`, type: 'string_pattern_mismatch', input: sport })
    }
  })
}

/**
 * Hierarchical match: `cycling` matches `cycling.road` and `cycling+stationary`; a filter's modifiers
 * must all be on the activity (`cycling+stationary` does not match `cycling.road`).
 */
export function sportMatches (filter: string, sport: string): boolean {
  const [filterPath = '', ...filterModifiers] = filter.split('+')
  const [sportPath = '', ...sportModifiers] = sport.split('+')
  const underPath = sportPath === filterPath || sportPath.startsWith(filterPath + '.')
  return underPath && filterModifiers.every((modifier) => sportModifiers.includes(modifier))
}
