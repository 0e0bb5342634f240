// An existing Fastify app (its own page and its own API) with sweatstack-bff registered under /bff.
// The plugin is passed in (server.ts passes the installed package) so that the tests can run this
// very app against the sources and against the packed package alike.
import { readFile } from 'node:fs/promises'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyPluginAsync, FastifyServerOptions } from 'fastify'
import type { SweatStackBffOptions } from 'sweatstack-bff'

export interface HostAppSettings {
  /** The BFF's options (the prefix is set here: /bff). */
  bff: Omit<SweatStackBffOptions, 'prefix'>
  /** Where this app calls SweatStack itself; the same as the BFF's `sweatstackUrl`. */
  sweatstackUrl: string
  logger?: FastifyServerOptions['logger']
}

/** How many of the latest activities /api/my-summary looks at. */
const SUMMARY_LIMIT = 50

export async function buildHostApp (sweatstackBff: FastifyPluginAsync<SweatStackBffOptions>, settings: HostAppSettings): Promise<FastifyInstance> {
  // Server-level settings are the host's: behind a proxy, set trustProxy so the BFF's rate limits see
  // client addresses (README, "Use it inside your Fastify app").
  const app = Fastify({ logger: settings.logger ?? false })
  const page = await readFile(new URL('./index.html', import.meta.url))

  // The host's own page and API: none of the BFF's hooks, headers or error handling touch them.
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page))

  // The host calls SweatStack itself with the signed-in user's token (refreshed when it is about to
  // expire). Signed out, accessToken() rejects with a 401 problem, which Fastify answers as a 401.
  app.get('/api/my-summary', async (request) => {
    const token = await request.sweatstack.accessToken()
    const { userId, name } = await request.sweatstack.info()
    const response = await fetch(`${settings.sweatstackUrl}/api/v1/activities/?limit=${SUMMARY_LIMIT}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    })
    if (!response.ok) throw Object.assign(new Error(`SweatStack answered ${response.status}`), { statusCode: 502 })
    const activities = await response.json() as Array<{ sport: string, start: string }>
    const bySport: Record<string, number> = {}
    for (const activity of activities) bySport[activity.sport] = (bySport[activity.sport] ?? 0) + 1
    return { userId, name, limit: SUMMARY_LIMIT, activities: activities.length, bySport, latest: activities[0]?.start ?? null }
  })

  await app.register(sweatstackBff, { ...settings.bff, prefix: '/bff' })
  return app
}
