// CLI: `node sandbox/server.ts` runs the SweatStack sandbox until SIGINT/SIGTERM.
import { PROMPT_NONE_MODES, TOKEN_ERROR_SHAPES } from './options.ts'
import { startSandbox } from './start.ts'

function fail (message: string): never {
  process.stderr.write(`sandbox: ${message}\n`)
  process.exit(1)
}

function integerFromEnv (name: string, fallback: number, min: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < min) fail(`${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`)
  return value
}

function choiceFromEnv<T extends string> (name: string, choices: readonly T[]): T | undefined {
  const text = process.env[name]
  if (text === undefined || text === '') return undefined
  if (!(choices as readonly string[]).includes(text)) fail(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(text)}`)
  return text as T
}

function booleanFromEnv (name: string, fallback: boolean): boolean {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  if (text === 'true') return true
  if (text === 'false') return false
  return fail(`${name} must be true or false, got ${JSON.stringify(text)}`)
}

function dateFromEnv (name: string): string | undefined {
  const text = process.env[name]
  if (text === undefined || text === '') return undefined
  if (!/^\d{4}-\d\d-\d\d$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) fail(`${name} must be a date like 2026-05-18, got ${JSON.stringify(text)}`)
  return text
}

/** A clock that starts at SANDBOX_CLOCK_START (an ISO instant) and moves on in real time; the real clock when unset. */
function clockFromEnv (name: string): (() => number) | undefined {
  const text = process.env[name]
  if (text === undefined || text === '') return undefined
  const start = Date.parse(text)
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(text) || Number.isNaN(start)) fail(`${name} must be an instant like 2026-05-18T21:00:00Z, got ${JSON.stringify(text)}`)
  const offset = start - performance.now()
  return () => Math.floor(offset + performance.now())
}

const clientId = process.env.SANDBOX_CLIENT_ID || 'sandbox-client'
const seedEndDate = dateFromEnv('SANDBOX_SEED_END_DATE')
const now = clockFromEnv('SANDBOX_CLOCK_START')
const sandbox = await startSandbox({
  port: integerFromEnv('SANDBOX_PORT', 8001, 0),
  host: process.env.SANDBOX_HOST || '127.0.0.1',
  clientId,
  clientSecret: process.env.SANDBOX_CLIENT_SECRET || undefined,
  accessTokenTtlSeconds: integerFromEnv('SANDBOX_TOKEN_TTL', 900, 1),
  rotateRefreshTokens: booleanFromEnv('SANDBOX_ROTATE_REFRESH_TOKENS', false),
  uploadProcessingDelayMs: integerFromEnv('SANDBOX_UPLOAD_DELAY_MS', 200, 0),
  ...(process.env.SANDBOX_WEBHOOK_URL && process.env.SANDBOX_WEBHOOK_SECRET ? { webhooks: { url: process.env.SANDBOX_WEBHOOK_URL, secret: process.env.SANDBOX_WEBHOOK_SECRET } } : {}),
  backfillIntervalMs: integerFromEnv('SANDBOX_BACKFILL_INTERVAL_MS', 1000, 0),
  backfillUpdates: integerFromEnv('SANDBOX_BACKFILL_UPDATES', 5, 1),
  promptNone: choiceFromEnv('SANDBOX_PROMPT_NONE', PROMPT_NONE_MODES) ?? 'skip-consent',
  tokenErrorShape: choiceFromEnv('SANDBOX_TOKEN_ERROR_SHAPE', TOKEN_ERROR_SHAPES) ?? 'oauth',
  ...(seedEndDate === undefined ? {} : { seedEndDate }),
  ...(now === undefined ? {} : { now }),
  logger: {
    level: process.env.LOG_LEVEL || 'info',
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
  },
})

const { accessTokenTtlSeconds, rotateRefreshTokens } = sandbox.sandbox.config()
process.stdout.write(`SweatStack sandbox listening on ${sandbox.url} (client_id ${clientId}, token TTL ${accessTokenTtlSeconds} s, refresh token rotation ${rotateRefreshTokens ? 'on' : 'off'})\n`)

let closing = false
async function stop (signal: string): Promise<void> {
  if (closing) return
  closing = true
  sandbox.app.log.info({ signal }, 'sandbox stopping')
  await sandbox.close()
  process.exit(0)
}
process.once('SIGINT', () => { stop('SIGINT').catch((error: unknown) => fail(String(error))) })
process.once('SIGTERM', () => { stop('SIGTERM').catch((error: unknown) => fail(String(error))) })
