import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError, problemType } from '../../src/errors.ts'
import type { FieldError, ProblemCode } from '../../src/errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers what the router refuses before any route (a bad percent-encoding, an over-long segment): see src/app.ts. */
    answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void
  }
}

/** Fastify's own request errors, under the catalog's codes (src/errors.ts). */
const FASTIFY_ERRORS: Record<string, ProblemCode> = {
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
}

export interface ErrorsOptions {
  /**
   * Answer unknown URLs under the BFF's prefix (default). Off only when the BFF is registered in a
   * host app without a prefix: unknown URLs are then the host's, and so is its not-found handler.
   */
  notFoundHandler?: boolean
}

/** Every error leaves as RFC 9457 problem+json with a `code` from the catalog and the request id. */
export default fp(async function errors (fastify, options: ErrorsOptions) {
  fastify.decorate('answerFrameworkError', function (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    // No route, so no route hooks: the security headers come precomputed.
    reply.headers(fastify.securityHeaders)
    const problem = toProblem(error)
    request.log.info({ code: problem.code }, problem.detail)
    sendProblem(request, reply, problem)
  })

  fastify.setErrorHandler(async function (error: FastifyError | ProblemError, request, reply) {
    const problem = toProblem(error)
    if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, problem.detail)
    else if (problem.status >= 400 && problem.code.startsWith('upstream')) request.log.warn({ code: problem.code }, problem.detail)
    return sendProblem(request, reply, problem)
  })

  if (options.notFoundHandler === false) return
  // Probing for URLs is rate limited like sign-in.
  fastify.setNotFoundHandler({ preHandler: fastify.authRateLimit() }, async function (request, reply) {
    return sendProblem(request, reply, new ProblemError('route_not_found', `${request.method} ${request.url.split('?')[0]} is not a route of this server; see ${fastify.config.basePath}/docs for the ones there are.`))
  })
}, { name: 'errors' })

function sendProblem (request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
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
    return new ProblemError('invalid_request', fields.map(field => `${field.in} ${field.name}: ${field.message}`).join('; '), { errors: fields })
  }
  const known = error.code === undefined ? undefined : FASTIFY_ERRORS[error.code]
  if (known === 'uri_too_long') return new ProblemError(known, 'A segment of the URL path is longer than this server accepts (200 characters); no SweatStack id is that long.')
  if (known === 'invalid_url') return new ProblemError(known, 'The URL path is not valid percent-encoded UTF-8.')
  if (known !== undefined) return new ProblemError(known, error.message)
  const status = error.statusCode ?? 500
  // Any other request error of Fastify's (an empty or broken JSON body, a bad content length...).
  if (status >= 400 && status < 500) return new ProblemError('invalid_request', error.message, { status })
  return new ProblemError('internal_error', 'Something went wrong in the BFF; the request id identifies it in the logs.')
}
