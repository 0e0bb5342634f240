import type { FastifyInstance } from 'fastify'
import { buildSandbox, sandboxControl } from './app.ts'
import type { SandboxControl } from './control.ts'
import type { SandboxOptions } from './options.ts'

export interface StartedSandbox {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string
  app: FastifyInstance
  sandbox: SandboxControl
  close: () => Promise<void>
}

/** Builds the sandbox and listens, on 127.0.0.1 and a free port unless told otherwise. */
export async function startSandbox (options: SandboxOptions & { port?: number, host?: string } = {}): Promise<StartedSandbox> {
  const { port = 0, host = '127.0.0.1', ...sandboxOptions } = options
  const app = await buildSandbox(sandboxOptions)
  await app.listen({ port, host })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('sandbox is not listening on a TCP port')
  const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { url: `http://${hostname}:${address.port}`, app, sandbox: sandboxControl(app), close: () => app.close() }
}
