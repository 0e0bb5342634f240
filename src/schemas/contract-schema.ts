// The route schema of a SweatStack operation: the contract's parameters, body and answer, plus this
// BFF's documentation. (The routes themselves are registered by the forwarding plugin's `proxyRoute`.)
import { Type } from 'typebox'
import type { TSchema } from 'typebox'
import { PARQUET } from '../upstream.ts'
import type { ForwardedOperation } from '../upstream.ts'
import { problemResponses, upstreamProblems } from './problem.ts'

/** A SweatStack operation as generated from openapi/sweatstack.json. */
export interface ContractOperation extends ForwardedOperation {
  operationId: string
  description?: string
  querystring?: TSchema
  params?: TSchema
  body?: TSchema
  status?: string
  responseDescription?: string
  response?: TSchema
  responseExample?: unknown
}

export interface RouteDocs {
  tags: string[]
  summary: string
  description?: string
  /** Error statuses this route can answer besides the usual upstream ones. */
  errors?: number[]
  /** Whose token the call uses; see ForwardOptions. */
  as?: 'active' | 'principal'
}

export const API_SECURITY = [{ session: [], csrf: [] }]

/** A JSON columns view of a Parquet answer, returned with `Accept: application/json`. */
export const ParquetColumns = Type.Object({
  columns: Type.Record(Type.String(), Type.Array(Type.Unknown()), { description: 'One array per Parquet column, in file order; instants as ISO strings with `Z`, local times without a zone.' }),
  rows: Type.Integer({ description: 'The number of rows: every column array has this length.' }),
}, {
  $id: 'ParquetColumns',
  examples: [{ columns: { timestamp: ['2026-05-18T15:32:00Z', '2026-05-18T15:32:01Z'], power: [212, 215] }, rows: 2 }],
})

function successResponse (operation: ContractOperation) {
  const description = operation.responseDescription ?? 'Success.'
  if (operation.contentType === PARQUET) {
    return {
      description: `${description} Parquet (snappy) as SweatStack sends it, streamed through unchanged; with \`Accept: application/json\`, the same data as JSON columns.`,
      content: {
        [PARQUET]: { schema: { type: 'string', contentEncoding: 'binary' } },
        'application/json': { schema: Type.Ref('ParquetColumns') },
      },
    }
  }
  if (operation.contentType === 'application/x-ndjson') {
    return { description: `${description} Newline-delimited JSON, passed on line by line as SweatStack writes it.`, content: { 'application/x-ndjson': { schema: { type: 'string' } } } }
  }
  if (operation.response === undefined) return { description, type: 'null' }
  return {
    description,
    content: { 'application/json': { schema: operation.response, ...(operation.responseExample === undefined ? {} : { example: operation.responseExample }) } },
  }
}

/** The route's schema: the contract's parameters, body and answer, plus this BFF's documentation. */
export function contractSchema (operation: ContractOperation, docs: RouteDocs) {
  const status = (operation.status ?? '200').toLowerCase()
  return {
    tags: docs.tags,
    summary: docs.summary,
    description: [
      docs.description ?? operation.description,
      docs.as === 'principal' ? 'In coach mode this uses the coach\'s own token, not the selected athlete\'s.' : undefined,
      operation.requiredScope === undefined ? undefined : `Needs the \`${operation.requiredScope}\` scope (\`SWEATSTACK_SCOPES\`); without it the answer is 403 \`insufficient_scope\`.`,
    ].filter(Boolean).join(' ') || undefined,
    operationId: operation.operationId,
    security: API_SECURITY,
    // Unknown query parameters are refused (400 naming them) rather than silently dropped as SweatStack does.
    querystring: { ...(operation.querystring ?? Type.Object({})), additionalProperties: false },
    ...(operation.params === undefined ? {} : { params: operation.params }),
    ...(operation.body === undefined ? {} : { body: operation.body }),
    ...(operation.bodyContentType === undefined || operation.bodyContentType === 'application/json' ? {} : { consumes: [operation.bodyContentType] }),
    response: { [status]: successResponse(operation), ...problemResponses(...upstreamProblems, ...(docs.errors ?? [])) },
  }
}
