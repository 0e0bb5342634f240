// B: the thinnest Fastify proxy a user would write in ten minutes: @fastify/reply-from to the
// upstream, the browser's cookie dropped and a fixed bearer token added. No session, no validation,
// no logging. The bench's peer for the BFF.
//
//   PORT=... UPSTREAM=http://127.0.0.1:8001 TOKEN=... node bench/proxy-b.ts
import Fastify from 'fastify'
import replyFrom from '@fastify/reply-from'

const upstream = process.env.UPSTREAM
const token = process.env.TOKEN
if (!upstream || !token) {
  console.error('proxy-b: set UPSTREAM and TOKEN')
  process.exit(2)
}

const app = Fastify({ logger: false })
await app.register(replyFrom, { base: upstream })

app.get('/ready', async () => ({ status: 'ready' }))
app.all('/api/v1/*', (request, reply) => {
  reply.from(request.url, {
    rewriteRequestHeaders: (_request, headers) => {
      const { cookie: _cookie, ...rest } = headers
      return { ...rest, authorization: `Bearer ${token}` }
    },
  })
})

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
console.log(`proxy-b listening on ${JSON.stringify(app.server.address())}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { app.close().finally(() => process.exit(0)) })
}
