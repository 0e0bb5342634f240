// Serves the example frontend from its own origin; /config.js tells it where the BFF is.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

const publicDir = path.join(import.meta.dirname, 'public')
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }

export async function startFrontend (options: { port: number, host: string, bffUrl: string }): Promise<{ server: Server, url: string }> {
  const server = createServer(async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://frontend').pathname
    if (pathname === '/config.js') {
      response.writeHead(200, { 'content-type': types['.js'], 'cache-control': 'no-store' })
      response.end(`window.BFF_URL = ${JSON.stringify(options.bffUrl)}\n`)
      return
    }
    const file = path.join(publicDir, path.normalize(pathname === '/' ? '/index.html' : pathname))
    if (!file.startsWith(publicDir + path.sep)) {
      response.writeHead(404).end()
      return
    }
    try {
      const body = await readFile(file)
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' })
      response.end(body)
    } catch {
      // Unknown paths get the page itself, so a reload on any route works.
      response.writeHead(200, { 'content-type': types['.html'] })
      response.end(await readFile(path.join(publicDir, 'index.html')))
    }
  })
  await new Promise<void>(resolve => server.listen(options.port, options.host, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  return { server, url: `http://${options.host === '127.0.0.1' || options.host === '::1' ? options.host : 'localhost'}:${port}` }
}
