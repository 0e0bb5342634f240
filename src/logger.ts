import type { FastifyRequest } from 'fastify'
import type { LoggerOptions } from 'pino'

/** Query parameters that carry OAuth secrets and must never reach a log line. */
const SECRET_QUERY = /([?&](?:code|state|code_verifier|access_token|refresh_token|client_secret|token)=)[^&#]*/gi

export function redactUrl (url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]')
}

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-sweatstack-signature"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.client_secret',
  '*.code_verifier',
  '*.accessToken',
  '*.refreshToken',
  '*.verifier',
]

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req (request: FastifyRequest) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          remoteAddress: request.ip,
        }
      },
    },
  }
}
