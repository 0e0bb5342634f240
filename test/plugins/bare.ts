// A bare Fastify with only the plugins a test names (and what they need: the configuration, a clock), for testing one plugin at a time without the rest of the app or the sandbox.
import Fastify from 'fastify'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { loadConfig } from '../../src/config.ts'

export const FRONTEND = 'http://localhost:5173'

export async function bareFastify (t: { teardown: (fn: () => unknown) => void }, ...plugins: Array<Promise<{ default: FastifyPluginAsync }>>): Promise<FastifyInstance> {
  const app = Fastify()
  app.decorate('config', loadConfig({ SWEATSTACK_CLIENT_ID: 'id', SWEATSTACK_CLIENT_SECRET: 'secret', SWEATSTACK_SESSION_SECRET: 'A'.repeat(43), FRONTEND_ORIGINS: FRONTEND, APP_URL: 'http://localhost:8000', AUTH_RATE_LIMIT: '1000' }))
  app.decorate('now', Date.now)
  for (const plugin of plugins) await app.register((await plugin).default)
  t.teardown(() => app.close())
  return app
}

/** The plugins every answer needs to be problem+json: security headers, rate limiting, the error handler. */
export const errorHandling = () => [import('../../plugins/external/helmet.ts'), import('../../plugins/external/redis.ts'), import('../../plugins/external/rate-limit.ts'), import('../../plugins/app/errors.ts')]
