import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'

/** One entry of FastAPI's 422 body: `{"detail": [{loc, msg, type}]}`. */
export interface ValidationIssue {
  loc: Array<string | number>
  msg: string
  type: string
  input?: unknown
  ctx?: Record<string, unknown>
}

export function sendDetail (reply: FastifyReply, status: number, detail: string, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).send({ detail })
}

export function sendValidationError (reply: FastifyReply, issues: ValidationIssue[]): FastifyReply {
  return reply.code(422).send({ detail: issues })
}

/** Every error the sandbox itself raises leaves as FastAPI's `{"detail": ...}`, never Fastify's default shape. */
export function installErrorHandlers (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      const issues = error.validation.map((issue) => ({
        loc: [error.validationContext ?? 'body', ...issue.instancePath.split('/').filter(Boolean)],
        msg: issue.message ?? 'Invalid value',
        type: issue.keyword,
      }))
      return sendValidationError(reply, issues)
    }
    const status = error.statusCode ?? 500
    if (status >= 500) request.log.error({ err: error }, 'sandbox error')
    const detail = status >= 500 ? 'Internal Server Error' : (error.message || STATUS_CODES[status] || 'Error')
    return sendDetail(reply, status, detail)
  })
  app.setNotFoundHandler((_request, reply) => sendDetail(reply, 404, 'Not Found'))
}
