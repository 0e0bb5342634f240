import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import type { Multipart } from '@fastify/multipart'
import { ProblemError, invalidField } from '../../../src/errors.ts'
import { contractSchema } from '../../../src/schemas/contract-schema.ts'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

/** SweatStack takes at most ten files per upload. */
export const MAX_UPLOAD_FILES = 10

/**
 * POST /api/v1/activities/upload: FIT or CSV files, streamed to SweatStack part by part as they
 * arrive (re-framed as a new multipart body), never held in memory whole.
 */
const upload: FastifyPluginAsync = async (fastify) => {
  const maxFileBytes = fastify.config.uploadMaxFileBytes
  // A host app may have @fastify/multipart already; either way the limits are this route's (given per call).
  if (!fastify.hasRequestDecorator('isMultipart')) await fastify.register(multipart)

  fastify.route({
    method: 'POST',
    url: '/activities/upload',
    schema: contractSchema(op.uploadActivities, {
      tags: ['activities'],
      summary: 'Upload activity files (FIT or CSV, at most 10)',
      description: `One \`files\` part per file, ${maxFileBytes} bytes at most each (UPLOAD_MAX_FILE_BYTES). Streamed through to SweatStack; processing is asynchronous.`,
      errors: [413, 415],
    }),
    // The multipart body is read as a stream by the handler, so there is no parsed body to validate.
    validatorCompiler: () => () => true,
    handler: (request, reply) => forwardUpload(request, reply, maxFileBytes),
  })
}

async function forwardUpload (request: FastifyRequest, reply: FastifyReply, maxFileBytes: number): Promise<FastifyReply> {
  if (!request.isMultipart()) {
    throw new ProblemError('unsupported_media_type', 'Send multipart/form-data with one `files` part per file.')
  }
  const boundary = `sweatstack-bff-${randomBytes(16).toString('hex')}`
  let failure: ProblemError | undefined
  async function * reframed (parts: AsyncIterableIterator<Multipart>) {
    try {
      for await (const part of parts) {
        if (part.type === 'file' && part.fieldname !== 'files') {
          throw invalidField('body', part.fieldname, 'send files in parts named "files"')
        }
        const filename = part.type === 'file' ? `; filename="${quoted(part.filename)}"` : ''
        const type = part.type === 'file' ? `\r\nContent-Type: ${part.mimetype.replace(/[\r\n]/g, '')}` : ''
        yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.fieldname)}"${filename}${type}\r\n\r\n`)
        if (part.type === 'file') {
          for await (const chunk of part.file) yield chunk as Buffer
        } else {
          yield Buffer.from(String(part.value))
        }
        yield Buffer.from('\r\n')
      }
      yield Buffer.from(`--${boundary}--\r\n`)
    } catch (error) {
      failure = uploadProblem(error, maxFileBytes)
      throw failure
    }
  }
  try {
    const limits = { files: MAX_UPLOAD_FILES, fileSize: maxFileBytes, fields: 20, fieldSize: 64 * 1024, parts: 40, headerPairs: 100 }
    return await reply.forwardToSweatStack(op.uploadActivities, {
      rawBody: { body: Readable.from(reframed(request.parts({ limits }))), contentType: `multipart/form-data; boundary=${boundary}` },
    })
  } catch (error) {
    // When reading the browser's upload failed, that is the problem to report, not the aborted upstream call.
    throw failure ?? error
  }
}

function quoted (value: string): string {
  return value.replace(/[\r\n]/g, '').replace(/"/g, '%22')
}

function uploadProblem (error: unknown, maxFileBytes: number): ProblemError {
  if (error instanceof ProblemError) return error
  const code = (error as { code?: string }).code
  const field = (message: string) => [{ in: 'body', name: 'files', message }]
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new ProblemError('file_too_large', `body files: each file may be at most ${maxFileBytes} bytes.`, { errors: field(`at most ${maxFileBytes} bytes per file`) })
  }
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new ProblemError('too_many_files', `body files: at most ${MAX_UPLOAD_FILES} files per upload.`, { errors: field(`at most ${MAX_UPLOAD_FILES} files`) })
  }
  return new ProblemError('invalid_upload', `The multipart body could not be read: ${(error as Error).message}.`, { cause: error })
}

export default upload
