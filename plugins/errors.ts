import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError, problemType } from '../src/problem.ts'
import type { FieldError } from '../src/problem.ts'
import { Problem } from '../src/schemas/problem.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers what the router refuses before any route (a bad percent-encoding, an over-long segment): see src/app.ts. */
    answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void
  }
}

/** Every error leaves as RFC 9457 problem+json with a `code` and the request id. */
export default fp(async function errors (fastify) {
  fastify.addSchema(Problem)

  fastify.decorate('answerFrameworkError', function (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    // No route, so no route hooks: the security headers come precomputed.
    reply.headers(fastify.securityHeaders)
    const problem = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ProblemError({ status: 414, code: 'uri_too_long', title: 'URL too long', detail: 'A segment of the URL path is longer than this server accepts (200 characters); no SweatStack id is that long.' })
      : error.code === 'FST_ERR_BAD_URL'
        ? new ProblemError({ status: 400, code: 'invalid_url', title: 'Invalid URL', detail: 'The URL path is not valid percent-encoded UTF-8.' })
        : toProblem(error)
    request.log.info({ code: problem.code }, problem.detail)
    sendProblem(request, reply, problem)
  })

  fastify.setErrorHandler(async function (error: FastifyError | ProblemError, request, reply) {
    const problem = toProblem(error)
    if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, problem.detail)
    else if (problem.status >= 400 && problem.code.startsWith('upstream')) request.log.warn({ code: problem.code }, problem.detail)
    return sendProblem(request, reply, problem)
  })

  // Probing for URLs is rate limited like sign-in.
  fastify.setNotFoundHandler({ preHandler: fastify.rateLimit({ max: fastify.config.authRateLimitPerMinute, timeWindow: '1 minute' }) }, async function (request, reply) {
    return sendProblem(request, reply, new ProblemError({
      status: 404,
      code: 'route_not_found',
      title: 'No such route',
      detail: `${request.method} ${request.url.split('?')[0]} is not a route of this server; see /docs for the ones there are.`,
    }))
  })
}, { name: 'errors', dependencies: ['rate-limit', 'security-headers'] })

export function sendProblem (request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  const body = {
    type: problemType(problem.code),
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    requestId: request.id,
    ...(problem.errors === undefined ? {} : { errors: problem.errors }),
  }
  return reply.code(problem.status).headers(problem.headers).type('application/problem+json').send(JSON.stringify(body))
}

/** Fastify's own request errors, under codes a frontend can rely on. */
const FASTIFY_ERRORS: Record<string, { code: string, title: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', title: 'Unsupported content type' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', title: 'Body too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', title: 'Invalid request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_request', title: 'Invalid request' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_request', title: 'Invalid request' },
}

function toProblem (error: FastifyError | ProblemError): ProblemError {
  if (error instanceof ProblemError) return error
  if (error.validation) {
    const where = error.validationContext ?? 'request'
    const fields: FieldError[] = error.validation.map(issue => {
      const missing = issue.params as { missingProperty?: string, additionalProperty?: string } | undefined
      const pathName = issue.instancePath.replace(/^\//, '').replace(/\//g, '.')
      const name = missing?.missingProperty ?? missing?.additionalProperty ?? (pathName || where)
      const message = missing?.additionalProperty ? `is not a known ${where === 'querystring' ? 'query parameter' : 'field'}` : (issue.message ?? 'is invalid')
      return { in: where === 'querystring' ? 'query' : where, name, message }
    })
    return new ProblemError({
      status: 400,
      code: 'invalid_request',
      title: 'Invalid request',
      detail: fields.map(field => `${field.in} ${field.name}: ${field.message}`).join('; '),
      errors: fields,
    })
  }
  const status = error.statusCode ?? 500
  const known = FASTIFY_ERRORS[error.code]
  if (known !== undefined) return new ProblemError({ status, ...known, detail: error.message })
  if (status >= 400 && status < 500) {
    return new ProblemError({ status, code: (error.code ?? 'bad_request').toLowerCase(), title: 'Bad request', detail: error.message })
  }
  return new ProblemError({ status: 500, code: 'internal_error', title: 'Internal error', detail: 'Something went wrong in the BFF; the request id identifies it in the logs.' })
}
