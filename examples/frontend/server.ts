// Serves the example frontend from its own origin: builds it with Vite (index.html, src/*.ts →
// dist/) at every start, so what is served is never older than the sources, then serves the built
// files, and /config.js, which tells the page where the BFF is.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import viteConfig from './vite.config.ts'

const frontendDir = import.meta.dirname
export const defaultOutDir = path.join(frontendDir, 'dist')

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
}

/** Builds the frontend into `outDir` (default examples/frontend/dist) with the settings in vite.config.ts. */
export async function buildFrontend (outDir = defaultOutDir): Promise<void> {
  const { build } = await import('vite')
  await build({ ...viteConfig, configFile: false, root: frontendDir, build: { ...viteConfig.build, outDir, emptyOutDir: true } })
}

export interface FrontendOptions {
  port: number
  host: string
  /** The BFF's URL as the browser reaches it, written into /config.js. */
  bffUrl: string
  /**
   * The BFF's FRONTEND_ORIGINS, when known, written into /config.js: opened at another origin, the page
   * can then say where to open it instead.
   */
  frontendOrigins?: readonly string[]
  /** Where to build to and serve from; default examples/frontend/dist. */
  outDir?: string
  /** Serve what is in `outDir` without building first. */
  skipBuild?: boolean
}

export async function startFrontend (options: FrontendOptions): Promise<{ server: Server, url: string }> {
  const outDir = path.resolve(options.outDir ?? defaultOutDir)
  if (options.skipBuild !== true) await buildFrontend(outDir)
  const indexHtml = await readFile(path.join(outDir, 'index.html'))

  const server = createServer(async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://frontend').pathname
    if (pathname === '/config.js') {
      response.writeHead(200, { 'content-type': types['.js']!, 'cache-control': 'no-store' })
      const origins = options.frontendOrigins === undefined ? '' : `window.FRONTEND_ORIGINS = ${JSON.stringify(options.frontendOrigins)}\n`
      response.end(`window.BFF_URL = ${JSON.stringify(options.bffUrl)}\n${origins}`)
      return
    }
    const file = path.join(outDir, path.normalize(decodeURIComponent(pathname)))
    if (pathname !== '/' && file.startsWith(outDir + path.sep)) {
      try {
        const body = await readFile(file)
        // Built assets have content hashes in their names: cache them for good.
        const immutable = pathname.startsWith('/assets/')
        response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' })
        response.end(body)
        return
      } catch {
        // Not a file: the page itself answers, so a reload on any route works.
      }
    }
    if (pathname.startsWith('/assets/')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
      return
    }
    response.writeHead(200, { 'content-type': types['.html']!, 'cache-control': 'no-cache' })
    response.end(indexHtml)
  })
  await new Promise<void>(resolve => server.listen(options.port, options.host, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  return { server, url: `http://${options.host === '127.0.0.1' || options.host === '::1' ? options.host : 'localhost'}:${port}` }
}
