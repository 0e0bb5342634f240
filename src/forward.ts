import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import { sessionExpired } from './problem.ts'
import { upstreamProblem } from './sweatstack-client.ts'

export interface ForwardOptions {
  method: Dispatcher.HttpMethod
  /** SweatStack's path, e.g. `/api/v1/activities/`. Path parameters must already be encoded. */
  path: string
  query?: Record<string, unknown>
}

/** Upstream response headers worth passing on; cookies and hop-by-hop headers never are. */
const PASSED_HEADERS = ['content-type', 'content-length', 'content-disposition', 'cache-control', 'etag', 'last-modified']

/** Query values as SweatStack wants them: arrays as repeated parameters (`?sport=a&sport=b`). */
export function toSearchParams (query: Record<string, unknown> = {}): URLSearchParams {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item))
  }
  return params
}

/**
 * Calls SweatStack as the signed-in user and streams a 2xx answer through unchanged. A 401 from
 * SweatStack gets one refresh and one retry; SweatStack's other errors become problems with its detail.
 */
export async function forwardToSweatStack (request: FastifyRequest, reply: FastifyReply, options: ForwardOptions): Promise<FastifyReply> {
  const client = request.server.sweatstack
  const upstream = {
    method: options.method,
    path: options.path,
    query: toSearchParams(options.query),
    requestId: request.id,
    headers: { accept: request.headers.accept ?? 'application/json' },
  }
  let response = await client.send({ ...upstream, token: await request.accessToken() })
  if (response.statusCode === 401) {
    response.body.destroy()
    response = await client.send({ ...upstream, token: await request.accessToken({ forceRefresh: true }) })
    if (response.statusCode === 401) {
      response.body.destroy()
      request.session.delete()
      throw sessionExpired('SweatStack no longer accepts this session (access was revoked): sign in again.')
    }
  }
  if (response.statusCode < 200 || response.statusCode >= 300) throw await upstreamProblem(response)

  for (const name of PASSED_HEADERS) {
    const value = response.headers[name]
    if (value !== undefined) reply.header(name, value)
  }
  return reply.code(response.statusCode).send(response.body)
}
