import type { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { authenticate } from '../bearer.ts'
import { bodyIssue, sendValidationError } from '../errors.ts'
import type { ValidationIssue } from '../errors.ts'
import { acceptUpload, fileTypeOf, headBytes, maxUploadFiles } from '../uploads.ts'
import type { ReceivedFile } from '../uploads.ts'

/** Reads a file part to its end without keeping it: counts the bytes, keeps at most `keep` bytes of its start. */
async function consume (stream: Readable, keep: number): Promise<{ bytes: number, head: string }> {
  let bytes = 0
  const kept: Buffer[] = []
  let keptBytes = 0
  for await (const chunk of stream) {
    const buffer = chunk as Buffer
    bytes += buffer.length
    if (keptBytes < keep) {
      const slice = buffer.subarray(0, keep - keptBytes)
      kept.push(Buffer.from(slice))
      keptBytes += slice.length
    }
  }
  return { bytes, head: Buffer.concat(kept).toString('utf8') }
}

/** `POST /api/v1/activities/upload`: multipart, repeated `files` (FIT or CSV), at most 10; each file is streamed and discarded. */
export default async function upload (fastify: FastifyInstance): Promise<void> {
  const state = fastify.sandboxState
  fastify.post('/api/v1/activities/upload', async (request, reply) => {
    const caller = await authenticate(state, request, reply, 'data:write')
    if (caller === null) return reply
    if (!request.isMultipart()) return sendValidationError(reply, [bodyIssue(['files'], 'Field required', 'missing')])

    const files: ReceivedFile[] = []
    const issues: ValidationIssue[] = []
    let count = 0
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue
      if (part.fieldname !== 'files') {
        await consume(part.file, 0)
        continue
      }
      const index = count++
      const type = fileTypeOf(part.filename)
      const { bytes, head } = await consume(part.file, type === 'csv' && count <= maxUploadFiles ? headBytes : 0)
      if (type === null) {
        issues.push(bodyIssue(['files', index], `Unsupported file type ${JSON.stringify(part.filename)}: upload FIT or CSV files`, 'value_error'))
      }
      if (count <= maxUploadFiles) files.push({ filename: part.filename === '' ? null : part.filename, type: type ?? 'unknown', bytes, head })
    }
    if (count === 0) issues.push(bodyIssue(['files'], 'Field required', 'missing'))
    if (count > maxUploadFiles) {
      issues.unshift(bodyIssue(['files'], `List should have at most ${maxUploadFiles} items after validation, not ${count}`, 'too_long'))
    }
    if (issues.length > 0) return sendValidationError(reply, issues)
    return { sources: acceptUpload(state, caller.user.id, files) }
  })
}
