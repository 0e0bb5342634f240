// `npm start` (scripts/dev.ts) as a newcomer runs it, with the ports moved: from .env, the banner, the
// frontend's /config.js, the OAuth redirect URI and CORS all follow them; a port in use is one line; and
// SIGTERM with idle keep-alive and unused connections open closes within a second.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Agent, request } from 'undici'
import t from 'tap'
import { freePort } from '../helper.ts'

const dev = path.join(import.meta.dirname, '..', '..', 'scripts', 'dev.ts')

interface Started { child: ChildProcess, output: () => string, exited: Promise<number | null> }

/** `node scripts/dev.ts` in `cwd` (where its .env is), without SweatStack credentials or ports from outside. */
function startDev (cwd: string, env: Record<string, string> = {}): Started {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(SWEATSTACK_|PORT$|SANDBOX_PORT$|FRONTEND_PORT$|APP_URL$|FRONTEND_ORIGINS$|HOST$)/.test(name)))
  const child = spawn(process.execPath, [dev], { cwd, env: { ...clean, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  child.stdout!.on('data', (chunk: Buffer) => { text += chunk })
  child.stderr!.on('data', (chunk: Buffer) => { text += chunk })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  return { child, output: () => text, exited }
}

async function until (what: string, started: Started, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited (${started.child.exitCode}) before ${what}:\n${started.output()}`)
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${started.output()}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

t.test('ports from .env: every URL follows them, and SIGTERM does not wait for idle or unused connections', async t => {
  const folder = mkdtempSync(path.join(tmpdir(), 'quick-start-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const [port, sandboxPort, frontendPort] = [await freePort(), await freePort(), await freePort()]
  writeFileSync(path.join(folder, '.env'), `PORT=${port}\nSANDBOX_PORT=${sandboxPort}\nFRONTEND_PORT=${frontendPort}\n`)
  const started = startDev(folder)
  t.teardown(() => { started.child.kill('SIGKILL') })
  await until('the banner', started, () => started.output().includes('SANDBOX MODE') && started.output().includes('====\n'), 120_000)

  const bff = `http://localhost:${port}`
  const frontend = `http://localhost:${frontendPort}`
  const banner = started.output()
  t.match(banner, `Frontend (example):  ${frontend}`, 'the banner names the frontend where it listens')
  t.match(banner, `BFF:                 ${bff}`, 'and the BFF')
  t.match(banner, `Sandbox SweatStack:  http://localhost:${sandboxPort}`, 'and the sandbox')

  const agent = new Agent({ keepAliveTimeout: 60_000 })
  t.teardown(() => agent.close())
  const config = await request(`${frontend}/config.js`, { dispatcher: agent })
  t.match(await config.body.text(), bff, 'the frontend calls the BFF on its port')

  const preflight = await request(`${bff}/api/v1/activities/`, {
    method: 'OPTIONS',
    dispatcher: agent,
    headers: { origin: frontend, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-csrf' },
  })
  await preflight.body.dump()
  t.equal(preflight.headers['access-control-allow-origin'], frontend, 'CORS lets the frontend on its port in')

  const login = await request(`${bff}/auth/sweatstack/login`, { dispatcher: agent })
  await login.body.dump()
  const authorize = new URL(String(login.headers.location))
  t.equal(authorize.origin, `http://localhost:${sandboxPort}`, 'sign-in goes to the sandbox on its port')
  t.equal(authorize.searchParams.get('redirect_uri'), `${bff}/auth/sweatstack/callback`, 'and comes back to the BFF on its port')

  // The agent now holds idle keep-alive connections to the BFF (72 s keep-alive) and the frontend; and
  // each server has a connection opened ahead of time that never sent a byte, as browsers open them.
  const preconnected = await Promise.all([port, frontendPort, sandboxPort].map(to => new Promise<Socket>((resolve, reject) => {
    const socket = connect(to, 'localhost', () => resolve(socket)).once('error', reject)
  })))
  t.teardown(() => { for (const socket of preconnected) socket.destroy() })
  const signalled = Date.now()
  started.child.kill('SIGTERM')
  const code = await started.exited
  const exitSeenMs = Date.now() - signalled
  t.equal(code, 0, 'exits cleanly')
  // The server's own account: its "closed" line, timed by the same clock. The exit the test sees comes
  // later by the process's teardown (threads joined, memory returned), which took 250 ms on a quiet
  // machine and up to 2 s with two test jobs and Chromium on two cores; waiting for the connections would
  // take 72 s, and a close that hangs is cut at 8 s with exit code 1.
  const closed = started.output().split('\n').filter(line => line.includes('"msg":"closed"')).map(line => JSON.parse(line) as { time: number, closeMs: number })[0]
  t.ok(closed !== undefined, 'it logs that it has closed')
  const closedAfterMs = closed!.time - signalled
  t.ok(closedAfterMs < 1000, `closed within a second of SIGTERM (${closedAfterMs} ms; closing took ${closed!.closeMs} ms; exit seen after ${exitSeenMs} ms), idle keep-alive and unused connections open`)
  t.ok(exitSeenMs < 8000, 'and exited before the close bound')
})

t.test('a port in use: one line naming the variable to change', async t => {
  const folder = mkdtempSync(path.join(tmpdir(), 'quick-start-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const taken = await freePort()
  const holder: Server = createServer()
  // Every address, IPv4 and IPv6: the BFF listens on localhost, whichever of them it resolves to.
  await new Promise<void>(resolve => holder.listen({ port: taken, host: '::', ipv6Only: false }, resolve))
  t.teardown(() => { holder.close() })
  const [sandboxPort, frontendPort] = [await freePort(), await freePort()]
  const started = startDev(folder, { PORT: String(taken), SANDBOX_PORT: String(sandboxPort), FRONTEND_PORT: String(frontendPort) })
  t.teardown(() => { started.child.kill('SIGKILL') })
  let timer: NodeJS.Timeout | undefined
  const code = await Promise.race([started.exited, new Promise(resolve => { timer = setTimeout(() => resolve('timeout'), 120_000) })])
  clearTimeout(timer)
  t.equal(code, 1, 'exits with 1')
  const lines = started.output().trim().split('\n').filter(line => line.includes('in use'))
  t.same(lines, [`Port ${taken} is already in use: stop what is listening there, or set PORT to a free port (in the environment or .env).`], 'one line, naming PORT')
  t.notMatch(started.output(), /\n\s+at /, 'no stack trace')
})
