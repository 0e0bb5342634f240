// HTTP requests with the request target sent exactly as given (percent-encoding, dot segments,
// absolute form), which fetch and app.inject would normalise first.
import { Agent, request } from 'node:http'

export interface RawAnswer {
  status: number
  headers: Record<string, string | undefined>
  body: string
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 })

export function sendRaw (port: number, method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path: target, agent, headers: { host: `localhost:${port}`, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers } }, response => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({
        status: response.statusCode ?? 0,
        headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value])),
        body: Buffer.concat(chunks).toString('utf8'),
      }))
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`${method} ${target}: no answer within 10 s`)))
    outgoing.end(body)
  })
}

export function closeRawAgent (): void {
  agent.destroy()
}
