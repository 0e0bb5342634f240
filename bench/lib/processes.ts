// Child processes for the bench: every server runs in its own process, on 127.0.0.1, and every
// process started here is stopped on exit, on an error and on SIGINT/SIGTERM.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import path from 'node:path'

export const ROOT = path.join(import.meta.dirname, '..', '..')
/** The Node the servers run on: the project's Node 24 (the one running the bench). */
export const NODE = process.execPath

export interface Child {
  name: string
  process: ChildProcess
  pid: number
  /** The last lines the process wrote, shown when something fails. */
  output: () => string
  exited: Promise<number | null>
}

const running = new Set<Child>()

/** A TCP port free on 127.0.0.1 right now. */
export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')))
    })
  })
}

/**
 * The checkout C runs from: this one, or BENCH_BFF_ROOT (another checkout with node_modules, e.g. a
 * copy with a proposed fix, to compare before and after in one run of the same bench).
 */
export const BFF_ROOT = process.env.BENCH_BFF_ROOT ? path.resolve(process.env.BENCH_BFF_ROOT) : ROOT

/**
 * Starts `node <script>` in `cwd` (default: the project root) with the given environment added. Its
 * output goes to a file, as a deployment's logs go to a file or a collector: read through a pipe, C's
 * access log (a line per request) would cost the bench process CPU on the cores the servers share.
 */
export function spawnNode (name: string, script: string, env: Record<string, string>, nodeArgs: string[] = [], cwd = ROOT): Child {
  const file = path.join(logFolder(), `${name.replace(/\W+/g, '-')}-${Date.now()}.log`)
  const fd = openSync(file, 'a')
  try {
    return track(name, spawn(NODE, [...nodeArgs, script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', fd, fd],
    }), file)
  } finally {
    closeSync(fd)
  }
}

let logs: string | undefined
/** A fresh folder for the servers' output, removed when the bench exits. */
function logFolder (): string {
  if (logs === undefined) {
    const folder = mkdtempSync(path.join(tmpdir(), 'bench-logs-'))
    process.on('exit', () => rmSync(folder, { recursive: true, force: true }))
    logs = folder
  }
  return logs
}

/** The last lines of a file, at most 40. */
function lastLines (file: string): string {
  try {
    const text = readFileSync(file, 'utf8')
    return text.slice(-16_384).split('\n').filter(Boolean).slice(-40).join('\n')
  } catch {
    return ''
  }
}

/** Keeps a started process's last output lines (from its pipes, or `file`), and stops it with the others on exit. */
export function track (name: string, child: ChildProcess, file?: string): Child {
  if (child.pid === undefined) throw new Error(`could not start ${name}`)
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    if (lines.length > 40) lines.splice(0, lines.length - 40)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>(resolve => child.once('exit', code => {
    running.delete(entry)
    resolve(code)
  }))
  const entry: Child = { name, process: child, pid: child.pid, output: () => file === undefined ? lines.join('\n') : lastLines(file), exited }
  running.add(entry)
  return entry
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stop (child: Child, graceMs = 3000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return
  child.process.kill('SIGTERM')
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs)
  await child.exited
  clearTimeout(timer)
}

export async function stopAll (): Promise<void> {
  await Promise.all([...running].map(child => stop(child)))
}

/** Synchronous last resort (process 'exit'): kill whatever is still running. */
function killAllNow (): void {
  for (const child of running) {
    try { child.process.kill('SIGKILL') } catch {}
  }
}

let handlersInstalled = false
/** Stops every child on exit, uncaught errors and SIGINT/SIGTERM. */
export function installCleanup (): void {
  if (handlersInstalled) return
  handlersInstalled = true
  process.on('exit', killAllNow)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping the servers`)
      stopAll().finally(() => process.exit(130))
    })
  }
}

/** Polls `url` until it answers 200, every `intervalMs`; throws after `timeoutMs`. Returns when it did. */
export async function waitForOk (url: string, timeoutMs: number, child?: Child, intervalMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (child !== undefined && child.process.exitCode !== null) {
      throw new Error(`${child.name} exited with ${child.process.exitCode} before ${url} answered:\n${child.output()}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (response.status === 200) return performance.now()
    } catch {}
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms${child === undefined ? '' : `:\n${child.output()}`}`)
}

export interface Memory {
  /** Resident set size now, bytes. */
  rss: number
  /** Peak resident set size since start or the last resetPeak, bytes. */
  peak: number
}

export function memoryOf (pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

/**
 * Resets the peak RSS (VmHWM) to the current RSS: writing 5 to /proc/<pid>/clear_refs (Linux 4.0+,
 * our own child). Returns false when the kernel refuses, in which case peaks count from the start.
 */
export function resetPeak (pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}
