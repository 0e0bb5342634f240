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

/** A body-level issue, e.g. `bodyIssue(['value'], 'Input should be ...', 'less_than_equal')`. */
export function bodyIssue (path: Array<string | number>, msg: string, type: string, input?: unknown): ValidationIssue {
  return input === undefined ? { loc: ['body', ...path], msg, type } : { loc: ['body', ...path], msg, type, input }
}

interface AjvIssue {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
  data?: unknown
}

const typeNames: Record<string, string> = { string: 'string', number: 'number', integer: 'integer', boolean: 'boolean', object: 'dictionary', array: 'list' }

/** Ajv's error, told the way pydantic tells it (the `loc`, `type` and wording of FastAPI's 422). */
function fromAjv (context: string, issue: AjvIssue): ValidationIssue {
  const loc: Array<string | number> = [context, ...issue.instancePath.split('/').filter(Boolean).map((part) => /^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~'))]
  const { keyword, params } = issue
  if (keyword === 'required') return { loc: [...loc, String(params.missingProperty)], msg: 'Field required', type: 'missing' }
  if (keyword === 'type') {
    const expected = String(params.type).split(',')[0] ?? 'value'
    return { loc, msg: `Input should be a valid ${typeNames[expected] ?? expected}`, type: `${expected === 'object' ? 'dict' : expected === 'array' ? 'list' : expected === 'integer' ? 'int' : expected === 'number' ? 'float' : expected === 'boolean' ? 'bool' : expected}_type` }
  }
  if (keyword === 'format' && params.format === 'date-time') {
    return { loc, msg: 'Input should have timezone info', type: 'timezone_aware' }
  }
  if (keyword === 'format' && params.format === 'date') return { loc, msg: 'Input should be a valid date', type: 'date_from_datetime_parsing' }
  if (keyword === 'minimum') return { loc, msg: `Input should be greater than or equal to ${String(params.limit)}`, type: 'greater_than_equal' }
  if (keyword === 'maximum') return { loc, msg: `Input should be less than or equal to ${String(params.limit)}`, type: 'less_than_equal' }
  if (keyword === 'maxLength') return { loc, msg: `String should have at most ${String(params.limit)} characters`, type: 'string_too_long' }
  if (keyword === 'pattern') return { loc, msg: `String should match pattern '${String(params.pattern)}'`, type: 'string_pattern_mismatch' }
  if (keyword === 'const' || keyword === 'enum') return { loc, msg: `Input should be ${JSON.stringify(params.allowedValue ?? params.allowedValues)}`, type: 'literal_error' }
  return { loc, msg: issue.message ?? 'Invalid value', type: keyword === 'oneOf' || keyword === 'anyOf' ? 'union_tag_invalid' : keyword }
}

/** Every error the sandbox itself raises leaves as FastAPI's `{"detail": ...}`, never Fastify's default shape. */
export function installErrorHandlers (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      const context = error.validationContext ?? 'body'
      return sendValidationError(reply, error.validation.map((issue) => fromAjv(context, issue as AjvIssue)))
    }
    const status = error.statusCode ?? 500
    if (status >= 500) request.log.error({ err: error }, 'sandbox error')
    const detail = status >= 500 ? 'Internal Server Error' : (error.message || STATUS_CODES[status] || 'Error')
    return sendDetail(reply, status, detail)
  })
  app.setNotFoundHandler((_request, reply) => sendDetail(reply, 404, 'Not Found'))
}
