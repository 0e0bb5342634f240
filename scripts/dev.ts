// `npm start`: with SweatStack credentials, just the BFF. Without them (sandbox mode): the sandbox
// SweatStack, the BFF and the example frontend, each on its own origin, in this one process.
import { startFrontend } from '../examples/frontend/server.ts'
import { startSandbox } from '@sweatstack-bff/sandbox'
import { SANDBOX_WEBHOOK_SECRET } from '../src/config.ts'
import { configFromEnvironment, startServer } from '../src/server.ts'

const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8001)
const FRONTEND_PORT = Number(process.env.FRONTEND_PORT ?? 5173)

const config = configFromEnvironment()
if (!config.sandbox) {
  await startServer(config)
} else {
  const sandbox = await startSandbox({ port: SANDBOX_PORT, host: 'localhost', clientId: config.clientId, clientSecret: config.clientSecret })
  // Browsers and this process both reach the sandbox at the same URL.
  const sweatstackUrl = process.env.SWEATSTACK_URL ?? `http://localhost:${SANDBOX_PORT}`
  const host = process.env.HOST ?? 'localhost'
  // The sandbox sends its signed webhooks to the BFF, which passes them to browsers as live events.
  sandbox.sandbox.setWebhooks({ url: `${config.appUrl}/webhooks/sweatstack`, secret: SANDBOX_WEBHOOK_SECRET })
  const frontend = await startFrontend({ port: FRONTEND_PORT, host: 'localhost', bffUrl: config.appUrl })
  await startServer({ ...config, sweatstackUrl, host }, async () => {
    frontend.server.close()
    await sandbox.close()
  })
  const bar = '='.repeat(72)
  console.log([
    '', bar,
    '  SANDBOX MODE: no SweatStack credentials set, so nothing here talks to the real SweatStack.',
    `  Frontend (example):  http://localhost:${FRONTEND_PORT}   <- open this and sign in`,
    `  BFF:                 ${config.appUrl}   (Swagger UI: ${config.appUrl}/docs)`,
    `  Sandbox SweatStack:  ${sweatstackUrl}   (seeded athletes and a coach)`,
    '  To use the real SweatStack, set SWEATSTACK_CLIENT_ID, SWEATSTACK_CLIENT_SECRET and',
    '  SWEATSTACK_SESSION_SECRET (see README, "Connecting a real SweatStack app").',
    bar, '',
  ].join('\n'))
}
