// The README's one-origin recipe for development, as written there: Vite's dev server proxies /api and
// /auth to the BFF, with APP_URL and FRONTEND_ORIGINS set to Vite's origin. Signing in, an API call and
// signing out all go through Vite's origin, as a browser on that page would.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createServer } from 'vite'
import { sessionCookieHeader, signInThroughBff } from '../../clients/sandbox-sign-in/index.ts'
import { TestClock } from '../calendar.ts'
import { athlete, buildBff, freePort, startTestSandbox } from '../helper.ts'

const README = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')

t.test('the README\'s Vite dev-proxy recipe: sign in, call the API and sign out through Vite\'s origin', async t => {
  const recipe = /Vite \(`vite\.config\.ts`\):\s*```ts\n([\s\S]*?)```/.exec(README)?.[1]
  t.ok(recipe?.includes('http://localhost:8000'), 'the README has the recipe, for a BFF on its default port')
  const [vitePort, bffPort] = [await freePort(), await freePort()]
  const vite = `http://localhost:${vitePort}`

  // The recipe as it is, but for the BFF's port (8000 may be taken here).
  const folder = mkdtempSync(path.join(tmpdir(), 'vite-recipe-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  writeFileSync(path.join(folder, 'vite.config.mjs'), recipe!.replaceAll('http://localhost:8000', `http://localhost:${bffPort}`))
  writeFileSync(path.join(folder, 'index.html'), '<!doctype html><title>my frontend</title>')

  const sandbox = await startTestSandbox(t, new TestClock())
  const { app } = await buildBff(t, sandbox.url, { APP_URL: vite, FRONTEND_ORIGINS: vite })
  await app.listen({ port: bffPort, host: 'localhost' })
  const server = await createServer({
    root: folder,
    configFile: path.join(folder, 'vite.config.mjs'),
    logLevel: 'silent',
    server: { port: vitePort, strictPort: true, host: 'localhost', hmr: false, ws: false },
  })
  t.teardown(() => server.close())
  await server.listen()

  const page = await fetch(`${vite}/`)
  t.match(await page.text(), '<title>my frontend</title>', 'Vite serves the frontend')

  const jar = await signInThroughBff(vite, sandbox.url, athlete.id, `${vite}/`)
  const cookie = sessionCookieHeader(jar, vite)
  t.ok(cookie.includes('sweatstack_session='), 'signed in through Vite: the session cookie is Vite\'s origin\'s')

  const activities = await fetch(`${vite}/api/v1/activities/?limit=3`, { headers: { cookie, 'x-csrf': '1' } })
  t.equal(activities.status, 200, 'an API call through Vite answers 200')
  t.ok(Array.isArray(await activities.json()), 'with the activities')

  const logout = await fetch(`${vite}/auth/sweatstack/logout`, { method: 'POST', headers: { cookie, 'x-csrf': '1', origin: vite } })
  t.equal(logout.status, 204, 'signing out through Vite')
  const after = await fetch(`${vite}/api/v1/activities/`, { headers: { cookie, 'x-csrf': '1' } })
  t.equal(after.status, 401, 'and the old cookie is refused afterwards')
})
