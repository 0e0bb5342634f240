/** How deep a JSON body may nest; SweatStack's deepest documented body (a workout schedule) needs under ten. */
export const MAX_JSON_DEPTH = 32

/**
 * Whether JSON text nests deeper than `limit` arrays and objects, read without parsing (strings are
 * skipped, escapes included). Parsing and re-serializing a body nested thousands deep would exhaust the
 * stack; this refuses it first, in one pass.
 */
export function nestsDeeperThan (text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 0x5c) i++ // backslash: skip the escaped character
      else if (code === 0x22) inString = false
    } else if (code === 0x22) {
      inString = true
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true
    } else if (code === 0x5d || code === 0x7d) {
      depth--
    }
  }
  return false
}
