import type { FastifyInstance } from 'fastify'

export type FormFields = Record<string, string>

/** Parses `application/x-www-form-urlencoded` bodies into a flat record; a repeated field keeps its last value. */
export function installFormBodyParser (app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))))
  })
}

export function formFields (body: unknown): FormFields {
  if (typeof body !== 'object' || body === null) return {}
  const fields: FormFields = {}
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') fields[key] = value
  }
  return fields
}
