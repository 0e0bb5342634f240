// `npm start`: with SweatStack credentials, just the BFF. Without them (sandbox mode): the sandbox
// SweatStack, the BFF and the example frontend, each on its own origin, in this one process.
// Ports come from PORT, SANDBOX_PORT and FRONTEND_PORT (environment or .env); the URLs follow them
// unless APP_URL, SWEATSTACK_URL or FRONTEND_ORIGINS say otherwise (src/config.ts).
import { startFrontend } from '../examples/frontend/server.ts'
import { startSandbox } from '@sweatstack-bff/sandbox'
import { SANDBOX_WEBHOOK_SECRET } from '../src/config.ts'
import { configFromEnvironment, exitIfPortTaken, startServer } from '../src/server.ts'

const config = configFromEnvironment()
if (!config.sandbox) {
  await startServer(config)
} else {
  const sandbox = await startSandbox({ port: config.sandboxPort, host: 'localhost', clientId: config.clientId, clientSecret: config.clientSecret })
    .catch(exitIfPortTaken(config.sandboxPort, 'SANDBOX_PORT'))
  // Browsers and this process both reach the sandbox at the same URL, on the port it is bound to.
  const sweatstackUrl = process.env.SWEATSTACK_URL ?? `http://localhost:${new URL(sandbox.url).port}`
  const host = process.env.HOST ?? 'localhost'
  // The sandbox sends its signed webhooks to the BFF, which passes them to browsers as live events.
  sandbox.sandbox.setWebhooks({ url: `${config.appUrl}/webhooks/sweatstack`, secret: SANDBOX_WEBHOOK_SECRET })
  const frontend = await startFrontend({ port: config.frontendPort, host: 'localhost', bffUrl: config.appUrl, frontendOrigins: config.frontendOrigins })
    .catch(exitIfPortTaken(config.frontendPort, 'FRONTEND_PORT'))
  const app = await startServer({ ...config, sweatstackUrl, host }, async () => {
    frontend.server.close()
    await sandbox.close()
  })
  const address = app.server.address()
  const listening = typeof address === 'object' && address !== null ? `${address.address}:${address.port}` : String(address)
  const bar = '='.repeat(72)
  console.log([
    '', bar,
    '  SANDBOX MODE: no SweatStack credentials set, so nothing here talks to the real SweatStack.',
    `  Frontend (example):  ${frontend.url}   <- open this and sign in`,
    `  BFF:                 ${config.appUrl}   (listening on ${listening}; Swagger UI: ${config.appUrl}/docs)`,
    `  Sandbox SweatStack:  ${sweatstackUrl}   (seeded athletes and a coach)`,
    `  Ports: PORT=${config.port}, SANDBOX_PORT=${config.sandboxPort}, FRONTEND_PORT=${config.frontendPort} (environment or .env).`,
    '  To use the real SweatStack, set SWEATSTACK_CLIENT_ID, SWEATSTACK_CLIENT_SECRET and',
    '  SWEATSTACK_SESSION_SECRET (see README, "Connecting a real SweatStack app").',
    bar, '',
  ].join('\n'))
}
