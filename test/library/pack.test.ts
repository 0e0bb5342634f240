// The package as it would be published: `npm pack` (which builds it), installed into an empty folder,
// imported by name there, and the example host app run from that folder against the sandbox: sign in
// and fetch, over HTTP. Also: what the tarball holds, and that a TypeScript app type-checks against it.
//
// Nothing is downloaded. `npm ci` filled npm's cache with the repository's dependencies, but an install
// without a lockfile asks the registry for the dependencies' metadata. So the empty folder gets a lockfile
// made from the repository's (the production dependencies only, the very versions the tests run with)
// and `npm ci --offline` takes every tarball from the cache.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { startSandbox } from '@sweatstack-bff/sandbox'
import { approveAtSandbox, athlete, freePort, makeSessionKey } from '../helper.ts'

t.setTimeout(600_000)

const root = path.join(import.meta.dirname, '..', '..')
const folder = mkdtempSync(path.join(tmpdir(), 'sweatstack-bff-pack-'))
t.teardown(() => rmSync(folder, { recursive: true, force: true }))
const packDir = path.join(folder, 'pack')
const appDir = path.join(folder, 'app')
mkdirSync(packDir)

/**
 * process.env, with V8's coverage counters off in the children: what they run (npm, tsc, the built
 * package) is no source the coverage counts, and the counters cost them two thirds more CPU (47 s, not
 * 28). tap's processinfo hook copies its settings into every child's environment unless the child sets them.
 */
function envWithoutCoverage (): NodeJS.ProcessEnv {
  return { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
}

function run (command: string, args: string[], cwd: string): { stdout: string, ms: number } {
  const started = performance.now()
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...envWithoutCoverage(), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  return { stdout: result.stdout, ms: performance.now() - started }
}

interface LockEntry { version?: string, resolved?: string, link?: boolean, name?: string, dependencies?: Record<string, string>, optionalDependencies?: Record<string, string>, peerDependencies?: Record<string, string>, dev?: boolean, devOptional?: boolean, peer?: boolean }

/**
 * A lockfile for a project depending only on the tarball: the tarball, and the repository's locked
 * entries for its production dependencies, found as Node finds them (nearest node_modules upwards).
 */
function lockfileFor (tarball: string, registry: string): { packageJson: object, lockfile: object, devOnly: string[] } {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string, license: string, dependencies: Record<string, string>, engines: Record<string, string> }
  const entries = lock.packages
  const locate = (from: string, name: string): string | undefined => {
    for (let base = from; ; base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '') {
      const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`
      if (entries[key] !== undefined) return key
      if (base === '') return undefined
    }
  }
  const kept = new Set<string>()
  const queue = Object.keys(manifest.dependencies).map(name => locate('', name))
  while (queue.length > 0) {
    const key = queue.pop()
    if (key === undefined || kept.has(key)) continue
    kept.add(key)
    const entry = entries[key]!
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) queue.push(locate(key, name))
  }
  const dependency = `file:${tarball}`
  const packages: Record<string, object> = {
    '': { name: 'host-app', dependencies: { 'sweatstack-bff': dependency } },
    'node_modules/sweatstack-bff': {
      version: manifest.version,
      resolved: dependency,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      license: manifest.license,
      dependencies: manifest.dependencies,
      engines: manifest.engines,
    },
  }
  const devOnly: string[] = []
  for (const key of [...kept].sort()) {
    const { dev, devOptional, peer, ...entry } = entries[key]!
    if (dev === true) devOnly.push(key)
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)
    // The repository's lockfile leaves the registry's tarball URL out; the cache knows the tarballs by it.
    packages[key] = entry.resolved === undefined ? { ...entry, resolved: `${registry}/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` } : entry
  }
  return {
    packageJson: { name: 'host-app', private: true, type: 'module', dependencies: { 'sweatstack-bff': dependency } },
    lockfile: { name: 'host-app', lockfileVersion: 3, requires: true, packages },
    devOnly,
  }
}

/** Starts `node server.ts` in the installed folder; resolves once it listens. */
async function startExample (t: Test, env: Record<string, string>): Promise<ChildProcess> {
  // Without settings of the developer's own (.env, SWEATSTACK_*, PORT...), with the test's clock (faketime).
  const inherited = Object.fromEntries(Object.entries(envWithoutCoverage()).filter(([name]) => !/^(?:SWEATSTACK_|PORT$|HOST$|APP_URL$|LOG_LEVEL$|LOAD_SHEDDING_)/.test(name)))
  const child = spawn(process.execPath, ['server.ts'], { cwd: appDir, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGTERM') })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start within 30 s:\n${output}`)), 30_000)
    const read = (chunk: Buffer) => {
      output += String(chunk)
      if (output.includes('Example host app:')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', code => reject(new Error(`the example exited (${code}):\n${output}`)))
  })
  return child
}

/** The cookies a response sets, as a Cookie header value. */
function cookiesOf (response: Response, jar: Map<string, string>): string {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const [name, ...value] = pair!.split('=')
    if (/max-age=0/i.test(line)) jar.delete(name!)
    else jar.set(name!, value.join('='))
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

t.test('npm pack: a package with the compiled plugin, its declarations, and nothing else', async t => {
  const packed = run('npm', ['pack', '--json', '--pack-destination', packDir], root)
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string, size: number, unpackedSize: number, entryCount: number, files: Array<{ path: string }> }>
  const files = info!.files.map(file => file.path)
  t.comment(`${info!.filename}: ${(info!.size / 1024).toFixed(0)} KiB packed, ${(info!.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${info!.entryCount} files; npm pack (with its build) took ${(packed.ms / 1000).toFixed(1)} s`)
  t.ok(files.includes('dist/src/plugin.js') && files.includes('dist/src/plugin.d.ts'), 'the entry point and its types')
  t.ok(files.includes('dist/plugins/app/session/types.d.ts'), 'the request.sweatstack declaration')
  t.ok(files.some(file => file.startsWith('dist/routes/')) && files.some(file => file.startsWith('dist/plugins/')), 'the routes and plugins it loads')
  t.same(files.filter(file => !/^(?:dist\/(?:src|plugins|routes)\/.*\.(?:js|d\.ts)|package\.json|README\.md)$/.test(file)), [], 'nothing but compiled code, declarations, package.json and the README')
  t.same(files.filter(file => /(?:^|\/)(?:test|sandbox|bench|examples|scripts|\.env)(?:\/|$)|\.test\.|\.ts$(?<!\.d\.ts)/.test(file)), [], 'no tests, sandbox, bench, scripts, examples, secrets or TypeScript sources')
  t.ok(info!.size < 400 * 1024, 'under 400 KiB')
  t.equal(existsSync(path.join(packDir, info!.filename)), true)

  // An empty folder with the example host app, installing the tarball from npm's cache only.
  const registry = run('npm', ['config', 'get', 'registry'], root).stdout.trim().replace(/\/$/, '')
  const tarball = path.join(packDir, info!.filename)
  const { packageJson, lockfile, devOnly } = lockfileFor(tarball, registry)
  t.same(devOnly, [], 'every package the tarball needs is a production dependency of the repository')
  cpSync(path.join(root, 'examples', 'host-app'), appDir, { recursive: true })
  writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(packageJson, null, 2))
  writeFileSync(path.join(appDir, 'package-lock.json'), JSON.stringify(lockfile, null, 2))
  const installed = run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], appDir)
  const modules = readdirSync(path.join(appDir, 'node_modules'))
  t.comment(`npm ci --offline of the tarball into an empty folder: ${(installed.ms / 1000).toFixed(1)} s, ${Object.keys((lockfile as { packages: object }).packages).length - 1} packages`)
  for (const name of ['tap', 'typescript', 'vite', '@sweatstack-bff', 'playwright-core']) t.notOk(modules.includes(name), `no ${name} installed`)
  t.ok(statSync(path.join(appDir, 'node_modules', 'sweatstack-bff', 'dist', 'src', 'plugin.js')).isFile())
})

t.test('the installed package runs the example host app: sign in through the sandbox, then the BFF and the host\'s own API', async t => {
  // The example runs on the real clock, so the sandbox does too (its seeded year ends today).
  const sandbox = await startSandbox({ clientId: 'sandbox-client', clientSecret: 'sandbox-secret', logger: false })
  t.teardown(() => sandbox.close())
  const port = await freePort()
  const appUrl = `http://localhost:${port}`
  const base = `http://127.0.0.1:${port}`
  const started = performance.now()
  await startExample(t, {
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: appUrl,
    LOG_LEVEL: 'warn',
    SWEATSTACK_CLIENT_ID: 'sandbox-client',
    SWEATSTACK_CLIENT_SECRET: 'sandbox-secret',
    SWEATSTACK_SESSION_SECRET: makeSessionKey(),
    SWEATSTACK_URL: sandbox.url,
    // The test shares two cores with others: no load shedding.
    LOAD_SHEDDING_EVENT_LOOP_DELAY_MS: '0',
  })
  t.comment(`the example started from the installed package in ${(performance.now() - started).toFixed(0)} ms`)

  const page = await fetch(`${base}/`)
  t.equal(page.status, 200)
  t.match(await page.text(), 'My training app')
  const jar = new Map<string, string>()
  const login = await fetch(`${base}/bff/auth/sweatstack/login?next=/`, { redirect: 'manual' })
  t.equal(login.status, 302)
  let cookie = cookiesOf(login, jar)
  t.equal(new URL(login.headers.get('location')!).searchParams.get('redirect_uri'), `${appUrl}/bff/auth/sweatstack/callback`)
  const callback = await approveAtSandbox(login.headers.get('location')!, athlete.id)
  const back = await fetch(base + callback.pathname + callback.search, { redirect: 'manual', headers: { cookie } })
  t.equal(back.status, 302, back.status === 302 ? 'back from SweatStack' : await back.text())
  t.equal(back.headers.get('location'), `${appUrl}/`)
  cookie = cookiesOf(back, jar)
  t.ok(jar.has('sweatstack_session'), 'signed in')

  const activities = await fetch(`${base}/bff/api/v1/activities/?limit=3`, { headers: { cookie, 'x-csrf': '1' } })
  t.equal(activities.status, 200, activities.status === 200 ? 'the BFF answers' : await activities.clone().text())
  t.equal((await activities.json() as unknown[]).length, 3, 'SweatStack\'s data through the BFF')
  const summary = await fetch(`${base}/api/my-summary`, { headers: { cookie } })
  t.equal(summary.status, 200)
  t.match(await summary.json(), { userId: athlete.id, activities: 50 }, 'and through the host\'s own route, with the user\'s token')
})

t.test('a TypeScript app type-checks against the installed package, whose types hold no any', async t => {
  writeFileSync(path.join(appDir, 'consumer.ts'), `
import Fastify from 'fastify'
import sweatstackBff, { ConfigError, type SessionInfo, type SweatStackBffOptions } from 'sweatstack-bff'

const options: SweatStackBffOptions = { clientId: 'id', clientSecret: 'secret', sessionSecret: ['new', 'old'], appUrl: 'https://app.example.com', prefix: '/bff', routes: { docs: true } }
const app = Fastify()
await app.register(sweatstackBff, options)
app.get('/mine', async request => {
  const token: string = await request.sweatstack.accessToken({ as: 'principal' })
  const info: SessionInfo = await request.sweatstack.info()
  return { token, name: info.name }
})
// @ts-expect-error the plugin's own decorators are not on the host
console.log(app.config, ConfigError)
// @ts-expect-error options are checked
await app.register(sweatstackBff, { clientId: 'id' })
`)
  writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'es2024', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')] },
    files: ['consumer.ts'],
  }))
  const check = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', appDir, '--listFiles'], { encoding: 'utf8', env: envWithoutCoverage() })
  t.equal(check.status, 0, `tsc passes:\n${check.stdout.split('\n').filter(line => line.includes('error')).join('\n')}`)
  const ours = check.stdout.split('\n').filter(file => file.includes('/node_modules/sweatstack-bff/'))
  t.same(ours.map(file => file.slice(file.indexOf('/dist/') + 1)).sort(), ['dist/plugins/app/session/types.d.ts', 'dist/src/config.d.ts', 'dist/src/errors.d.ts', 'dist/src/plugin.d.ts', 'dist/src/route-groups.d.ts'], 'the host\'s program sees only the public declarations')
  for (const file of ours) t.notMatch(readFileSync(file, 'utf8'), /\bany\b/, `${path.basename(file)}: no any`)
})
