// The entry point: Node's compile cache first (it must be on before the app's modules load; it roughly
// halves start-up), then the server.
import module from 'node:module'

module.enableCompileCache?.()
const { configFromEnvironment, startServer } = await import('./server.ts')
await startServer(configFromEnvironment())
