import { existsSync } from 'node:fs'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp } from './app.ts'
import { ConfigError, configWarnings, loadConfig } from './config.ts'
import type { Config } from './config.ts'
import { loggerOptions } from './logger.ts'

/** Reads `.env` (if there is one) and the environment, and stops with every problem listed. */
export function configFromEnvironment (): Config {
  if (existsSync('.env')) process.loadEnvFile('.env')
  try {
    return loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
}

/**
 * Pretty logs on a terminal when pino-pretty is installed (development); JSON lines otherwise, written
 * asynchronously (lines logged while a write is under way go out together in the next one; pino
 * flushes what is left when the process exits).
 */
function prettyWhenInteractive (config: Config) {
  const options = loggerOptions(config.logLevel)
  if (!process.stdout.isTTY) return { ...options, stream: pino.destination({ dest: 1, sync: false }) }
  try {
    import.meta.resolve('pino-pretty')
    return { ...options, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } } }
  } catch {
    return options
  }
}

/**
 * For a listen that failed: when the port is taken, one line naming the variable that moves it, and
 * exit 1 (a stack trace says nothing a newcomer can act on); any other error goes on.
 */
export function exitIfPortTaken (port: number, variable: string): (error: unknown) => never {
  return (error: unknown) => {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error
    console.error(`Port ${port} is already in use: stop what is listening there, or set ${variable} to a free port (in the environment or .env).`)
    process.exit(1)
  }
}

/** Starts the BFF; `alsoClose` runs after it has closed (the sandbox and frontend in `npm start`). */
export async function startServer (config: Config, alsoClose?: () => Promise<void>): Promise<FastifyInstance> {
  const app = await buildApp(config, { logger: prettyWhenInteractive(config) })
  closeWithGrace({ delay: 8_000 }, async ({ signal, err }) => {
    const closing = performance.now()
    if (err) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing: finishing requests in flight')
    await app.close()
    await alsoClose?.()
    app.log.info({ closeMs: Math.round(performance.now() - closing) }, 'closed')
  })
  await app.listen({ port: config.port, host: config.host }).catch(exitIfPortTaken(config.port, 'PORT'))
  for (const warning of configWarnings(config)) app.log.warn(warning)
  return app
}
