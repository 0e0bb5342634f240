import { STATUS_CODES } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ValidationIssue } from './errors.ts'

/** A scripted failure: the next matching requests get `status`/`body` after `delayMs` (only the delay when no status). */
export interface Fault {
  method?: string
  /** An exact path, or a prefix ending in `*`. */
  path: string
  status?: number
  /** Sent as JSON. */
  body?: unknown
  /** Sent as is instead of `body`, to imitate a malformed or non-JSON answer. */
  rawBody?: string
  contentType?: string
  headers?: Record<string, string>
  delayMs?: number
  /** Destroy the connection without answering. */
  reset?: boolean
  /** Send the body in four pieces with this pause before each (a slow body; the headers go first). */
  slowBodyMs?: number
  /** Promise the whole body (content-length) but send only this many bytes, then cut the connection. */
  truncateAfterBytes?: number
  /** How many requests it applies to; unlimited when absent. */
  times?: number
  /** The chance (0 to 1) that a matching request gets it; always when absent. For soak tests. */
  probability?: number
}

export function matchesFault (fault: Fault, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) return false
  return fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : path === fault.path
}

/** Takes the first fault matching the request, counting one use of it. */
export function takeFault (faults: Fault[], method: string, path: string): Fault | undefined {
  const index = faults.findIndex((fault) => matchesFault(fault, method, path) && (fault.probability === undefined || Math.random() < fault.probability))
  const fault = faults[index]
  if (fault === undefined) return undefined
  if (fault.times !== undefined) {
    fault.times--
    if (fault.times <= 0) faults.splice(index, 1)
  }
  return fault
}

/** Plays a fault; resolves true when it answered (or dropped) the request, false to let it through. */
export async function applyFault (fault: Fault, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs)
  if (fault.reset === true) {
    reply.hijack()
    request.raw.socket.destroy()
    return true
  }
  if (fault.status === undefined) return false
  if (fault.slowBodyMs !== undefined || fault.truncateAfterBytes !== undefined) {
    await sendRaw(fault, fault.status, request, reply)
    return true
  }
  reply.code(fault.status).headers(fault.headers ?? {})
  if (fault.rawBody !== undefined) {
    reply.type(fault.contentType ?? 'text/plain; charset=utf-8').send(fault.rawBody)
  } else {
    const body = fault.body === undefined ? { detail: STATUS_CODES[fault.status] ?? 'Sandbox fault' } : fault.body
    reply.type(fault.contentType ?? 'application/json').send(JSON.stringify(body))
  }
  return true
}

/** Writes the answer by hand, for bodies that arrive slowly or not at all. */
async function sendRaw (fault: Fault, status: number, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = Buffer.from(fault.rawBody ?? JSON.stringify(fault.body === undefined ? { detail: STATUS_CODES[status] ?? 'Sandbox fault' } : fault.body))
  reply.hijack()
  const response = reply.raw
  response.writeHead(status, { 'content-type': fault.contentType ?? (fault.rawBody === undefined ? 'application/json' : 'text/plain; charset=utf-8'), 'content-length': body.length, ...fault.headers })
  response.flushHeaders()
  if (fault.truncateAfterBytes !== undefined) {
    response.write(body.subarray(0, fault.truncateAfterBytes))
    await sleep(20)
    request.raw.socket.destroy()
    return
  }
  const piece = Math.ceil(body.length / 4)
  for (let start = 0; start < body.length && !response.destroyed; start += piece) {
    await sleep(fault.slowBodyMs ?? 0)
    response.write(body.subarray(start, start + piece))
  }
  response.end()
}

const optionalString = ['method', 'rawBody', 'contentType'] as const
const optionalCount = ['delayMs', 'times', 'slowBodyMs', 'truncateAfterBytes'] as const

export function parseFault (input: unknown): { fault: Fault } | { issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = []
  const issue = (field: string, msg: string, type: string): void => { issues.push({ loc: ['body', field], msg, type }) }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { issues: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }] }
  }
  const body = input as Record<string, unknown>
  if (typeof body.path !== 'string' || !body.path.startsWith('/')) issue('path', 'Field required: a path starting with /', 'missing')
  for (const field of optionalString) {
    if (body[field] !== undefined && typeof body[field] !== 'string') issue(field, 'Input should be a valid string', 'string_type')
  }
  for (const field of optionalCount) {
    const value = body[field]
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) issue(field, 'Input should be a non-negative integer', 'int_type')
  }
  if (body.times === 0) issue('times', 'Input should be greater than or equal to 1', 'greater_than_equal')
  const status = body.status
  if (status !== undefined && (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)) issue('status', 'Input should be an HTTP status code', 'int_type')
  if (body.reset !== undefined && typeof body.reset !== 'boolean') issue('reset', 'Input should be a valid boolean', 'bool_type')
  const probability = body.probability
  if (probability !== undefined && (typeof probability !== 'number' || probability < 0 || probability > 1)) issue('probability', 'Input should be a number from 0 to 1', 'float_type')
  const headers = body.headers
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Object.values(headers).some((value) => typeof value !== 'string'))) {
    issue('headers', 'Input should be an object of strings', 'dict_type')
  }
  if (issues.length > 0) return { issues }
  return { fault: structuredClone(body) as unknown as Fault }
}
