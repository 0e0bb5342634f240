// The part of autocannon 8's programmatic API the bench uses (autocannon ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface Options {
    url: string
    method?: string
    headers?: Record<string, string>
    connections?: number
    pipelining?: number
    duration?: number
    amount?: number
    timeout?: number
    overallRate?: number
    connectionRate?: number
    bailout?: number
    [option: string]: unknown
  }

  interface Histogram { average: number, mean: number, stddev: number, min: number, max: number, p50: number, p90: number, p99: number, total: number }

  interface Result {
    requests: Histogram & { sent: number }
    latency: Histogram
    throughput: Histogram
    errors: number
    timeouts: number
    non2xx: number
    mismatches: number
    resets: number
    duration: number
    start: Date
    finish: Date
    statusCodeStats: Record<string, { count: number }>
  }

  interface Instance extends EventEmitter {
    stop: () => void
  }

  function autocannon (options: Options, callback: (error: Error | null, result: Result) => void): Instance
  export default autocannon
  export type { Options, Result, Instance }
}
