import type { Socket } from 'node:net'
import fp from 'fastify-plugin'

/**
 * Shutdown waits for requests in flight, and only for them. Node's server.close() ends idle keep-alive
 * connections, but not one that has not sent a byte yet (browsers and load balancers open those ahead
 * of time): to Node it is waiting for its first request's headers, so close would wait up to
 * headersTimeout. Those are ended before the server closes; a connection answering a request then ends
 * right after its answer instead of idling out its keep-alive.
 */
export default fp(async function promptShutdown (fastify) {
  const connections = new Set<Socket>()
  fastify.server.on('connection', (socket: Socket) => {
    connections.add(socket)
    socket.once('close', () => connections.delete(socket))
  })
  fastify.addHook('preClose', (done) => {
    for (const socket of connections) if (socket.bytesRead === 0) socket.destroy()
    // A keep-alive connection busy now would otherwise idle for keepAliveTimeout after its answer.
    fastify.server.keepAliveTimeout = 1
    fastify.server.keepAliveTimeoutBuffer = 0
    done()
  })
}, { name: 'prompt-shutdown' })
