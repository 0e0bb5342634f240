// Test helpers for the sandbox's own tests: sign in, call the API, and check answers against
// the contract openapi/sweatstack.json with Ajv (2020-12), as the tests in this folder (sandbox/test/) do.
import { createHash, randomBytes } from 'node:crypto'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { sandboxUsers } from '../index.ts'
import type { StartedSandbox } from '../index.ts'
import { contract, errorsAt, jsonPointerPart as pointer } from '../../test/contract-validator.ts'

export { SEED_END_DATE as seedEndDate } from '../../test/calendar.ts'
export const redirectUri = 'http://localhost:5173/auth/sweatstack/callback'
export const client = { client_id: 'sandbox-client', client_secret: 'sandbox-secret' }
export const allScopes = 'data:read data:write profile'

export function userNamed (name: string): string {
  const user = sandboxUsers.find((candidate) => candidate.name === name)
  if (user === undefined) throw new Error(`no sandbox user ${name}`)
  return user.id
}

export interface Answer {
  status: number
  body: any
  contentType: string
  bytes: ArrayBuffer
  headers: Headers
}

export interface CallOptions {
  token?: string
  query?: Record<string, string | number | boolean | Array<string | number>>
  json?: unknown
  form?: Record<string, string>
  multipart?: FormData
}

export function clientOf (sandbox: StartedSandbox) {
  const { url } = sandbox

  async function login (userId: string, scope = allScopes, redirect = redirectUri): Promise<{ access_token: string, refresh_token: string, scope: string }> {
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const query = new URLSearchParams({ client_id: client.client_id, redirect_uri: redirect, response_type: 'code', scope, code_challenge: challenge, code_challenge_method: 'S256', sandbox_user: userId })
    const authorized = await fetch(`${url}/oauth/authorize?${query}`, { redirect: 'manual' })
    const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code')
    if (code === null) throw new Error('no code')
    const response = await fetch(`${url}/api/v1/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, ...client }) })
    if (response.status !== 200) throw new Error(`token exchange failed: ${await response.text()}`)
    return await response.json() as { access_token: string, refresh_token: string, scope: string }
  }

  async function call (method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const search = new URLSearchParams()
    for (const [name, value] of Object.entries(options.query ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item))
    }
    const headers: Record<string, string> = {}
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    let body: string | FormData | undefined
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(options.form).toString()
    } else if (options.multipart !== undefined) {
      body = options.multipart
    }
    const query = search.size > 0 ? `?${search}` : ''
    const response = await fetch(url + path + query, { method, headers, body, redirect: 'manual' })
    const bytes = await response.arrayBuffer()
    const contentType = response.headers.get('content-type') ?? ''
    const text = contentType.startsWith('application/json') ? new TextDecoder().decode(bytes) : ''
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), contentType, bytes, headers: response.headers }
  }

  async function control (method: string, path: string, json?: unknown): Promise<Answer> {
    return call(method, `/__sandbox${path}`, json === undefined ? {} : { json })
  }

  return { url, login, call, control }
}

export interface Operation { method: string, template: string, operationId: string }

export const operations: Operation[] = Object.entries(contract.paths).flatMap(([template, methods]) =>
  Object.entries(methods).filter(([, operation]) => typeof operation === 'object' && 'responses' in operation).map(([method, operation]) => ({ method: method.toUpperCase(), template, operationId: operation.operationId })))

function matcher (template: string): RegExp {
  return new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$')
}

/** The contract operation a request hits; static paths win over parametric ones. */
export function operationOf (method: string, path: string): Operation {
  const candidates = operations.filter((operation) => operation.method === method && matcher(operation.template).test(path))
  candidates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))
  const found = candidates[0]
  if (found === undefined) throw new Error(`no contract operation for ${method} ${path}`)
  return found
}

/**
 * Validates an answer against the contract's response for the operation and status: the JSON body
 * against its schema (refs resolved in the whole document), or the content type for other media.
 * Returns the problems (empty when it conforms) and the operation id.
 */
export function conformance (method: string, path: string, answer: Answer): { operationId: string, problems: string[] } {
  const operation = operationOf(method, path)
  const responses = contract.paths[operation.template]?.[method.toLowerCase()]?.responses ?? {}
  const statusKey = String(answer.status) in responses ? String(answer.status) : `${String(answer.status)[0]}XX`
  const response = responses[statusKey]
  if (response === undefined) return { operationId: operation.operationId, problems: [`status ${answer.status} is not in the contract`] }
  const media = Object.keys(response.content ?? {})
  if (media.length === 0) return { operationId: operation.operationId, problems: answer.bytes.byteLength === 0 ? [] : ['a body where the contract has none'] }
  const mediaType = media.find((type) => answer.contentType.startsWith(type))
  if (mediaType === undefined) return { operationId: operation.operationId, problems: [`content type ${answer.contentType}, contract: ${media.join(', ')}`] }
  if (mediaType !== 'application/json') return { operationId: operation.operationId, problems: [] }
  return { operationId: operation.operationId, problems: errorsAt(`/paths/${pointer(operation.template)}/${method.toLowerCase()}/responses/${statusKey}/content/${pointer(mediaType)}/schema`, answer.body) }
}

export async function parquetRows (bytes: ArrayBuffer): Promise<Array<Record<string, unknown>>> {
  return parquetReadObjects({ file: bytes })
}

export function parquetColumns (bytes: ArrayBuffer): string[] {
  return parquetMetadata(bytes).schema.slice(1).map((element) => element.name)
}

export function parquetCodecs (bytes: ArrayBuffer): string[] {
  return [...new Set(parquetMetadata(bytes).row_groups.flatMap((group) => group.columns.map((column) => column.meta_data?.codec ?? '')))]
}
