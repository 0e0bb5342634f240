// Runs the example host app with the installed sweatstack-bff package:
//
//   npm run build && node examples/host-app/server.ts        (in this repository)
//   node server.ts                                           (a copy, with `npm install sweatstack-bff`)
//
// Settings from the environment: PORT (default 3000), HOST (127.0.0.1), APP_URL (http://localhost:PORT),
// SWEATSTACK_CLIENT_ID, SWEATSTACK_CLIENT_SECRET, SWEATSTACK_SESSION_SECRET, SWEATSTACK_URL,
// LOAD_SHEDDING_EVENT_LOOP_DELAY_MS, LOG_LEVEL. Without a client id it uses the sandbox's client against
// http://localhost:8001 (`npm run sandbox`).
import { randomBytes } from 'node:crypto'
import sweatstackBff, { ConfigError } from 'sweatstack-bff'
import { buildHostApp } from './app.ts'

const env = process.env
const port = Number(env.PORT ?? 3000)
const appUrl = env.APP_URL ?? `http://localhost:${port}`
const sandbox = env.SWEATSTACK_CLIENT_ID === undefined
const sweatstackUrl = env.SWEATSTACK_URL ?? (sandbox ? 'http://localhost:8001' : 'https://app.sweatstack.no')
let sessionSecret = env.SWEATSTACK_SESSION_SECRET
if (sessionSecret === undefined) {
  sessionSecret = randomBytes(32).toString('base64url')
  console.warn('SWEATSTACK_SESSION_SECRET is not set: using a random key, so sessions end when this server restarts.')
}

try {
  const app = await buildHostApp(sweatstackBff, {
    sweatstackUrl,
    logger: { level: env.LOG_LEVEL ?? 'info' },
    bff: {
      clientId: env.SWEATSTACK_CLIENT_ID ?? 'sandbox-client',
      clientSecret: env.SWEATSTACK_CLIENT_SECRET ?? 'sandbox-secret',
      sessionSecret,
      appUrl,
      sweatstackUrl,
      ...(env.LOAD_SHEDDING_EVENT_LOOP_DELAY_MS === undefined ? {} : { loadSheddingEventLoopDelayMs: Number(env.LOAD_SHEDDING_EVENT_LOOP_DELAY_MS) }),
    },
  })
  await app.listen({ port, host: env.HOST ?? '127.0.0.1' })
  console.log(`Example host app: ${appUrl} (the BFF under ${appUrl}/bff, signing in at ${sweatstackUrl})`)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}
