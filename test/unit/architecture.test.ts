// The rooms of the codebase keep their doors (docs/architecture.md): the core in src/ knows nothing of
// Fastify, routes reach plugins only through decorators, only the session plugin touches session keys,
// and nothing that ships imports the sandbox.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'

const root = path.join(import.meta.dirname, '..', '..')

function filesIn (dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap(name => {
    const relative = path.join(dir, name)
    if (statSync(path.join(root, relative)).isDirectory()) return filesIn(relative)
    return name.endsWith('.ts') ? [relative] : []
  })
}

/** Every module a file imports, as a path relative to the root (packages by name). */
function importsOf (file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8')
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map(([, specifier]) =>
    specifier!.startsWith('.') ? path.join(path.dirname(file), specifier!) : specifier!)
}

const shipped = [...filesIn('src'), ...filesIn('plugins'), ...filesIn('routes')]
// The entry points put the rooms together: the BFF plugin (bff), the package's plugin for host apps
// (plugin), the standalone server (app, server, main).
const entryPoints = new Set(['src/bff.ts', 'src/plugin.ts', 'src/app.ts', 'src/server.ts', 'src/main.ts'])

t.test('the core in src/ imports no Fastify, no plugin and no route', async t => {
  const core = filesIn('src').filter(file => !entryPoints.has(file))
  t.ok(core.length > 15, `${core.length} core files`)
  for (const file of core) {
    const wrong = importsOf(file).filter(target => /^(?:fastify|@fastify\/|fastify-plugin)/.test(target) || /^(?:plugins|routes)\//.test(target))
    t.same(wrong, [], `${file} stays framework-free`)
  }
})

t.test('routes use plugins through decorators, never by importing them', async t => {
  for (const file of filesIn('routes')) t.same(importsOf(file).filter(target => target.startsWith('plugins/')), [], file)
})

t.test('a plugin imports only the core and its own folder\'s modules', async t => {
  for (const file of filesIn('plugins')) {
    const wrong = importsOf(file).filter(target => /^(?:plugins|routes)\//.test(target) && path.dirname(target) !== path.dirname(file))
    t.same(wrong, [], file)
  }
})

t.test('only the session plugin touches session keys', async t => {
  for (const file of shipped.filter(file => !file.startsWith('plugins/app/session/'))) {
    const text = readFileSync(path.join(root, file), 'utf8')
    t.notMatch(text, /\b(?:session|loginSession|sweatstackSession|sweatstackLogin)\.(?:get|set|delete|regenerate|options)\(/, `${file} goes through request.sweatstack`)
  }
})

t.test('nothing that ships imports the sandbox', async t => {
  for (const file of shipped) t.same(importsOf(file).filter(target => target.startsWith('sandbox') || target.includes('/sandbox')), [], file)
})
