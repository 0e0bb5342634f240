import { randomInt } from 'node:crypto'
import type { SourceResponse } from './models.ts'
import { addActivity } from './new-activity.ts'
import { createRandom } from './prng.ts'
import { sportPattern } from './sports.ts'
import type { SandboxState } from './state.ts'
import { formatUtc, parseAwareDateTime } from './time.ts'
import { ulid } from './ulid.ts'

/** The most files one upload request may carry. */
export const maxUploadFiles = 10
/** How much of a file's start is kept to read a CSV header and first row; the rest is only counted. */
export const headBytes = 16 * 1024

export interface ReceivedFile {
  filename: string | null
  type: string
  bytes: number
  /** The first `headBytes` of the file (only for CSV). */
  head: string
}

/** `fit` or `csv` from the file name; null for anything else. */
export function fileTypeOf (filename: string | undefined): string | null {
  const match = /\.(fit|csv)$/i.exec(filename ?? '')
  return match?.[1]?.toLowerCase() ?? null
}

/** The `sport` (and `timestamp`) of a CSV's first data row, when its header has such columns. */
function readCsvHead (head: string): { sport?: string, startMs?: number, rows: number } {
  const lines = head.split(/\r?\n/).filter((line) => line.trim() !== '')
  const header = (lines[0] ?? '').split(',').map((name) => name.trim().replace(/^"|"$/g, '').toLowerCase())
  const first = (lines[1] ?? '').split(',').map((cell) => cell.trim().replace(/^"|"$/g, ''))
  const sport = first[header.indexOf('sport')]
  const timestamp = first[header.indexOf('timestamp')]
  const startMs = timestamp === undefined ? null : parseAwareDateTime(timestamp)
  return { sport: sport !== undefined && sportPattern.test(sport) ? sport : undefined, startMs: startMs ?? undefined, rows: Math.max(0, lines.length - 1) }
}

/** Records the sources as `processing`, then after the configured delay turns each into an activity or a failure. */
export function acceptUpload (state: SandboxState, userId: string, files: ReceivedFile[]): SourceResponse[] {
  const random = createRandom(randomInt(2 ** 32))
  const createdAt = state.now()
  const sources = files.map((file): SourceResponse => {
    const source: SourceResponse = {
      id: ulid(createdAt, random),
      type: file.type,
      origin: 'manual_upload',
      filename: file.filename,
      status: 'processing',
      error: null,
      activity_ids: [],
      created_at: formatUtc(createdAt),
    }
    state.sources.set(source.id, { userId, source })
    return source
  })
  state.stats.uploads.files += files.length
  state.stats.uploads.bytes += files.reduce((sum, file) => sum + file.bytes, 0)

  const timer = setTimeout(() => {
    state.timers.delete(timer)
    files.forEach((file, index) => {
      const record = state.sources.get(sources[index]?.id ?? '')
      if (record === undefined) return
      process(state, userId, record.source, file)
    })
  }, state.config.uploadProcessingDelayMs)
  timer.unref()
  state.timers.add(timer)
  return sources.map((source) => structuredClone(source))
}

function process (state: SandboxState, userId: string, source: SourceResponse, file: ReceivedFile): void {
  if (file.bytes === 0) {
    source.status = 'failed'
    source.error = { code: 'unreadable_file', message: 'The file is empty' }
    // Hook point for webhooks: `source_failed`.
    state.events.emit('source_failed', { userId, resourceId: source.id, code: source.error.code })
    return
  }
  const csv = file.type === 'csv' ? readCsvHead(file.head) : { rows: 0 }
  // A FIT record is about 30 bytes a second; a CSV row is a second.
  const durationSeconds = Math.min(6 * 3600, Math.max(60, file.type === 'csv' ? Math.round(file.bytes / Math.max(1, file.head.length) * csv.rows) : Math.round(file.bytes / 30)))
  const activity = addActivity(state, {
    userId,
    sport: csv.sport ?? 'generic',
    durationSeconds,
    start: csv.startMs === undefined ? undefined : new Date(csv.startMs).toISOString(),
  })
  source.status = 'processed'
  source.activity_ids = [activity.id]
  // Hook point for webhooks: `source_processed` (the activity also announced `activity_created`).
  state.events.emit('source_processed', { userId, resourceId: source.id, activityIds: [activity.id] })
}
