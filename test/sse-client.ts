// A minimal server-sent-events reader for tests: what EventSource gives a browser, as a list.
import { request } from 'undici'

export interface ReceivedEvent { id?: string, event?: string, data: string, at: number }

export async function openEventStream (url: string, headers: Record<string, string>) {
  const controller = new AbortController()
  const response = await request(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  const events: ReceivedEvent[] = []
  const comments: string[] = []
  const waiters: Array<() => void> = []
  let buffer = ''
  const done = (async () => {
    try {
      for await (const chunk of response.body) {
        buffer += chunk.toString()
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event: ReceivedEvent = { data: '', at: performance.now() }
          let isEvent = false
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim())
            else if (line.startsWith('id: ')) event.id = line.slice(4)
            else if (line.startsWith('event: ')) event.event = line.slice(7)
            else if (line.startsWith('data: ')) { event.data += line.slice(6); isEvent = true }
          }
          if (isEvent) events.push(event)
          for (const wake of waiters.splice(0)) wake()
        }
      }
    } catch {
      // Closed by the test.
    }
  })()
  return {
    status: response.statusCode,
    headers: response.headers,
    events,
    comments,
    /** Resolves when the server ends the stream (or the test closes it). */
    ended: done,
    /** Resolves once `count` events have arrived, or rejects after `ms`. */
    async waitFor (count: number, ms = 5000): Promise<ReceivedEvent[]> {
      const until = performance.now() + ms
      while (events.length < count) {
        if (performance.now() > until) throw new Error(`only ${events.length} of ${count} events within ${ms} ms`)
        await new Promise<void>(resolve => { waiters.push(resolve); setTimeout(resolve, 50) })
      }
      return events
    },
    async close () {
      controller.abort()
      await done
    },
  }
}
