// Real-browser tests: Debian's Chromium (driven by playwright-core) against real HTTP servers on three
// loopback origins: the example frontend (http://localhost:A), the BFF (http://localhost:B) and the
// sandbox SweatStack (http://127.0.0.1:C). Nothing may reach anything but loopback.
import { existsSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import tap from 'tap'
import type { Test } from 'tap'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { FastifyInstance } from 'fastify'
import { Writable } from 'node:stream'
import pino from 'pino'
import { buildApp } from '../../../src/app.ts'
import { loggerOptions } from '../../../src/logger.ts'
import { loadConfig } from '../../../src/config.ts'
import { buildFrontend, startFrontend } from '../../../examples/frontend/server.ts'
import { sandboxUsers, startSandbox } from '@sweatstack-bff/sandbox'
import type { SandboxOptions, SandboxUser, StartedSandbox } from '@sweatstack-bff/sandbox'
import { TestClock, onTestCalendar } from '../../calendar.ts'
import { checkLogsAtEnd, freePort, makeSessionKey } from '../../helper.ts'

/**
 * Debian's headless shell (apt-get install chromium-headless-shell): the same Blink and V8 as Chromium
 * without the browser's own window layer, at half the CPU per test; playwright itself runs headless on
 * it. A full Chromium is the fallback; CHROMIUM_PATH picks either.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find(file => existsSync(file)) ?? '/usr/bin/chromium-headless-shell'
export const SCREENSHOTS = path.join(import.meta.dirname, '..', '..', '..', 'test-output', 'screenshots')
const root = path.join(import.meta.dirname, '..', '..', '..')

export const alice = sandboxUsers.find(user => user.givenName === 'Alice')!
export const bob = sandboxUsers.find(user => user.givenName === 'Bob')!
export const coach = sandboxUsers.find(user => user.role === 'coach')!

let warned = false

/**
 * A tap test that drives Chromium. Without it: on a developer's machine a loud warning and a skip; under
 * CI=true a failure, because CI must run these (`.ci/run` installs chromium-headless-shell).
 */
export function browserTest (name: string, fn: (t: Test) => Promise<void>): void {
  if (existsSync(CHROMIUM)) {
    tap.test(name, fn)
    return
  }
  const why = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium-headless-shell, or set CHROMIUM_PATH)`
  if (process.env.CI === 'true') {
    tap.test(name, async t => { t.fail(`${why}: the browser tests must run in CI`) })
    return
  }
  if (!warned) {
    warned = true
    const bar = '!'.repeat(78)
    console.error(`\n${bar}\n!! BROWSER TESTS SKIPPED: ${why}.\n!! They run in CI (CI=true fails without Chromium).\n${bar}\n`)
  }
  tap.test(name, { skip: `BROWSER TEST SKIPPED: ${why}` }, async () => {})
}

export interface BrowserStack {
  /** The calendar the sandbox, the BFF and the browser share (test/calendar.ts). */
  clock: TestClock
  sandbox: StartedSandbox
  app: FastifyInstance
  /** http://localhost:PORT, the BFF as the browser reaches it. */
  bffUrl: string
  /** http://localhost:PORT, the example frontend (another origin, the same site). */
  frontendUrl: string
  context: BrowserContext
  page: Page
  /** Requests the browser tried to send anywhere but loopback (blocked). */
  offLoopback: string[]
  /** Errors thrown in the page. */
  pageErrors: string[]
  /** A POST to the sandbox's control API (`/__sandbox/...`), as a test knob. */
  control: (route: string, body: unknown) => Promise<unknown>
  /** Saves a screenshot (of the full page unless `fullPage: false`) as test-output/screenshots/<name>.png; returns its path. */
  screenshot: (name: string, options?: { fullPage?: boolean }) => Promise<string>
  /** A new page in a new browser (own cookies), for a second user, or for another viewport or locale. */
  newBrowser: (options?: LaunchOptions) => Promise<{ context: BrowserContext, page: Page }>
}

/** How the browser presents itself: its window size (default 1280x860), locale (default en-GB), and whether it is a phone. */
export interface LaunchOptions {
  viewport?: { width: number, height: number }
  locale?: string
  /** A phone: touch, a meta viewport that counts, pixels at twice the density. */
  mobile?: boolean
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

let chromiumProcess: Promise<Browser> | undefined

/** One Chromium per test file (a process), closed when the file ends; each stack and each `newBrowser` is a context of its own (own cookies). */
function sharedChromium (): Promise<Browser> {
  chromiumProcess ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  }).then(browser => {
    tap.teardown(() => browser.close())
    return browser
  })
  return chromiumProcess
}

/** A new context (own cookies) in this file's Chromium, on the test calendar, allowed nothing but loopback: what it tried elsewhere goes to `offLoopback`, errors thrown in its pages to `pageErrors`. */
export async function launch (clock: TestClock, offLoopback: string[], pageErrors: string[], options: LaunchOptions = {}): Promise<{ context: BrowserContext, page: Page }> {
  const context = await (await sharedChromium()).newContext({
    viewport: options.viewport ?? { width: 1280, height: 860 },
    ...(options.mobile === true ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    locale: options.locale ?? 'en-GB',
    timezoneId: 'Europe/Oslo',
  })
  context.setDefaultTimeout(15_000)
  // The page's Date starts on the test calendar too, and moves on in real time.
  await context.clock.install({ time: clock.now() })
  await context.route(url => !LOOPBACK.has(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:', async route => {
    offLoopback.push(route.request().url())
    await route.abort('blockedbyclient')
  })
  const page = await context.newPage()
  page.on('pageerror', error => pageErrors.push(String(error)))
  return { context, page }
}

let built: Promise<string> | undefined

/** Every file the frontend's build reads: examples/frontend (without dist), the typed client it bundles, and the lockfile (Vite and the bundled packages). */
async function frontendSourceHash (): Promise<string> {
  const files = ['package-lock.json']
  for (const dir of ['examples/frontend', 'clients/bff-client']) {
    const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true })
    files.push(...entries.filter(entry => entry.isFile())
      .map(entry => path.relative(root, path.join(entry.parentPath, entry.name)))
      .filter(file => !file.startsWith(path.join('examples', 'frontend', 'dist') + path.sep)))
  }
  const hash = createHash('sha256')
  for (const file of files.sort()) hash.update(file).update('\0').update(await readFile(path.join(root, file))).update('\0')
  return hash.digest('hex').slice(0, 16)
}

/**
 * The frontend, built once for its sources: test-output/frontend-<hash of the sources>, shared by the
 * test files (processes, run in parallel) of a run and by later runs until a source changes. A stale or
 * half-written examples/frontend/dist never matters: each build goes to a folder of its own and is
 * renamed into place whole.
 */
function frontendBuild (): Promise<string> {
  built ??= (async () => {
    const outputs = path.join(root, 'test-output')
    await mkdir(outputs, { recursive: true })
    const target = path.join(outputs, `frontend-${await frontendSourceHash()}`)
    if (existsSync(path.join(target, 'index.html'))) return target
    const outDir = await mkdtemp(path.join(outputs, 'frontend-building-'))
    await buildFrontend(outDir)
    // Another test file may have renamed its build into place meanwhile: then use that one.
    await rename(outDir, target).catch(() => rm(outDir, { recursive: true, force: true }))
    // Builds of sources that have since changed are of no more use.
    const stale = (await readdir(outputs)).filter(name => /^frontend-[0-9a-f]{16}$/.test(name) && name !== path.basename(target))
    await Promise.all(stale.map(name => rm(path.join(outputs, name), { recursive: true, force: true })))
    return target
  })()
  return built
}

const WEBHOOK_SECRET = 'whsec_browser_tests_secret'

/** Starts the sandbox, the BFF (listening), the frontend (built fresh) and Chromium; all closed at the end of `t`. */
export async function startBrowserStack (t: Test, options: { sandbox?: SandboxOptions, env?: Record<string, string>, browser?: LaunchOptions } = {}): Promise<BrowserStack> {
  const clock = new TestClock()
  const sandbox = await startSandbox({ ...onTestCalendar(clock), uploadProcessingDelayMs: 300, ...options.sandbox })
  const bffPort = await freePort()
  const bffUrl = `http://localhost:${bffPort}`
  const frontendPort = await freePort()
  const frontendUrl = `http://localhost:${frontendPort}`
  const config = loadConfig({
    SWEATSTACK_CLIENT_ID: 'sandbox-client',
    SWEATSTACK_CLIENT_SECRET: 'sandbox-secret',
    SWEATSTACK_SESSION_SECRET: makeSessionKey(),
    SWEATSTACK_URL: sandbox.url,
    SWEATSTACK_SCOPES: 'data:read data:write profile',
    SWEATSTACK_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    APP_URL: bffUrl,
    FRONTEND_ORIGINS: frontendUrl,
    // Every log line at every level is kept and checked for secrets when the test ends.
    LOG_LEVEL: 'trace',
    // The test process also drives the browser and builds the frontend: no load shedding here.
    LOAD_SHEDDING_EVENT_LOOP_DELAY_MS: '0',
    ...options.env,
  })
  // The frontend server listens on 127.0.0.1, so http://127.0.0.1:PORT reaches it too: an origin the BFF refuses.
  const frontend = await startFrontend({ port: frontendPort, host: '127.0.0.1', bffUrl, frontendOrigins: config.frontendOrigins, outDir: await frontendBuild(), skipBuild: true })
  const logs: string[] = []
  const app = await buildApp(config, { now: clock.now, loggerInstance: pino(loggerOptions(config.logLevel), new Writable({ write (chunk, _encoding, done) { logs.push(String(chunk)); done() } })) })
  checkLogsAtEnd(t, sandbox, logs, config)
  await app.listen({ port: bffPort, host: '127.0.0.1' })
  // SweatStack's webhooks (upload processed, activity created) go to the BFF, which turns them into live events.
  sandbox.sandbox.setWebhooks({ url: `http://127.0.0.1:${bffPort}/webhooks/sweatstack`, secret: WEBHOOK_SECRET })

  const offLoopback: string[] = []
  const pageErrors: string[] = []
  const contexts: BrowserContext[] = []
  const first = await launch(clock, offLoopback, pageErrors, options.browser)
  contexts.push(first.context)

  t.teardown(async () => {
    await Promise.all(contexts.map(context => context.close().catch(() => {})))
    await app.close()
    frontend.server.closeAllConnections()
    await new Promise(resolve => frontend.server.close(resolve))
    await sandbox.close()
  })

  return {
    clock,
    sandbox,
    app,
    bffUrl,
    frontendUrl,
    context: first.context,
    page: first.page,
    offLoopback,
    pageErrors,
    async control (route, body) {
      const response = await fetch(`${sandbox.url}/__sandbox/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      if (!response.ok) throw new Error(`sandbox ${route}: ${response.status} ${await response.text()}`)
      return response.status === 204 ? null : response.json()
    },
    async screenshot (name, { fullPage = true } = {}) {
      await mkdir(SCREENSHOTS, { recursive: true })
      const file = path.join(SCREENSHOTS, `${name}.png`)
      // Let transitions and the spinner settle.
      await first.page.waitForTimeout(150)
      await first.page.screenshot({ path: file, fullPage, animations: 'disabled' })
      return path.relative(root, file)
    },
    async newBrowser (launchOptions) {
      const other = await launch(clock, offLoopback, pageErrors, launchOptions)
      contexts.push(other.context)
      return other
    },
  }
}

/** The whole sign-in as a user does it: the frontend's button, the sandbox's page, back on the frontend. */
export async function signInThroughSandbox (stack: BrowserStack, user: SandboxUser, page = stack.page, onSandboxPage?: () => Promise<void>): Promise<void> {
  await page.goto(stack.frontendUrl + '/')
  await page.getByTestId('sign-in').click()
  await page.waitForURL(url => url.origin === stack.sandbox.url)
  await onSandboxPage?.()
  await page.getByRole('button', { name: `Sign in as ${user.givenName}` }).click()
  await page.waitForURL(url => url.origin === stack.frontendUrl)
  await page.getByTestId('user-name').filter({ hasText: user.name }).waitFor()
}

/** Checks every test ends with no page errors and nothing sent off loopback. */
export function checkClean (t: Test, stack: BrowserStack): void {
  t.same(stack.pageErrors, [], 'no errors thrown in the page')
  t.same(stack.offLoopback, [], 'the browser contacted nothing but loopback')
}
