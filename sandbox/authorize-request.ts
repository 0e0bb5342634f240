import { isAllowedRedirectUri } from './redirect-uri.ts'
import type { ResolvedOptions } from './options.ts'
import { splitScopes, unknownScopes } from './scopes.ts'

/** The parameters of `/oauth/authorize` that the sign-in form carries forward as hidden fields. */
export const authorizeParameterNames = [
  'client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
  'prompt', 'user_flow', 'email_auth_mode', 'integration',
] as const

export type RawParams = Record<string, string>

export interface AuthorizeRequest {
  clientId: string
  redirectUri: string
  scopes: string[]
  state: string | undefined
  codeChallenge: string | null
  /** The recognised parameters as received, to carry through the sign-in form. */
  params: RawParams
}

export type AuthorizeCheck =
  | { kind: 'ok', request: AuthorizeRequest }
  /** The client or redirect URI cannot be trusted: show an error page, never redirect. */
  | { kind: 'page', message: string }
  | { kind: 'redirect', redirectUri: string, error: string, description: string, state: string | undefined }

const prompts = new Set(['none', 'login', 'consent', 'select_account'])
const pkceChallenge = /^[A-Za-z0-9_-]{43}$/

/** Flattens query or form values: a repeated `scope` is joined, any other repeated parameter keeps its last value. */
export function rawParams (input: unknown): RawParams {
  const params: RawParams = {}
  if (typeof input !== 'object' || input === null) return params
  for (const [name, value] of Object.entries(input)) {
    if (typeof value === 'string') params[name] = value
    else if (Array.isArray(value) && value.length > 0) params[name] = name === 'scope' ? value.join(' ') : String(value.at(-1))
  }
  return params
}

export function checkAuthorizeRequest (params: RawParams, options: ResolvedOptions): AuthorizeCheck {
  const clientId = params.client_id
  if (clientId === undefined || clientId === '') return { kind: 'page', message: 'The request has no client_id.' }
  if (clientId !== options.clientId) return { kind: 'page', message: `Unknown client_id ${JSON.stringify(clientId)}.` }
  const redirectUri = params.redirect_uri
  if (redirectUri === undefined || redirectUri === '') return { kind: 'page', message: 'The request has no redirect_uri.' }
  if (!isAllowedRedirectUri(redirectUri, options.redirectUris)) {
    const rule = options.redirectUris.length === 0
      ? 'With no registered redirect URI only http://localhost:* and http://127.0.0.1:* are allowed.'
      : `Registered: ${options.redirectUris.join(', ')}.`
    return { kind: 'page', message: `redirect_uri ${JSON.stringify(redirectUri)} is not registered for this application. ${rule}` }
  }

  const state = params.state
  const fail = (error: string, description: string): AuthorizeCheck => ({ kind: 'redirect', redirectUri, error, description, state })
  if (params.response_type !== undefined && params.response_type !== 'code') {
    return fail('unsupported_response_type', 'Only response_type=code is supported')
  }
  const scopes = splitScopes(params.scope ?? '')
  if (scopes.length === 0) return fail('invalid_scope', 'At least one scope is required')
  const unknown = unknownScopes(scopes)
  if (unknown.length > 0) return fail('invalid_scope', `Unknown scope: ${unknown.join(', ')}`)
  if (params.prompt !== undefined && !prompts.has(params.prompt)) return fail('invalid_request', `Unsupported prompt ${params.prompt}`)

  const challenge = params.code_challenge
  const method = params.code_challenge_method
  if (challenge === undefined && method !== undefined) return fail('invalid_request', 'code_challenge_method without code_challenge')
  if (challenge !== undefined) {
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256')
    if (!pkceChallenge.test(challenge)) return fail('invalid_request', 'code_challenge must be 43 base64url characters')
  }

  const carried: RawParams = {}
  for (const name of authorizeParameterNames) {
    const value = params[name]
    if (value !== undefined) carried[name] = value
  }
  return { kind: 'ok', request: { clientId, redirectUri, scopes, state, codeChallenge: challenge ?? null, params: carried } }
}
