// Summarises a V8 .cpuprofile (node --cpu-prof): where the samples fall, by function (self time),
// by package or project file (self time), and the heaviest inclusive frames of the project's own code.
//
//   node bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [--top 25] [--skip-ms 6000]
//
// --skip-ms leaves out the first milliseconds of the profile (the start, when profiling a load).
import { readFileSync } from 'node:fs'
import path from 'node:path'

interface CallFrame { functionName: string, url: string, lineNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }

const args = process.argv.slice(2)
const topIndex = args.indexOf('--top')
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25
const skipIndex = args.indexOf('--skip-ms')
const skipUs = skipIndex >= 0 ? Number(args[skipIndex + 1]) * 1000 : 0
const valueIndexes = new Set([topIndex, skipIndex].filter(index => index >= 0).map(index => index + 1))
const files = args.filter((arg, index) => !arg.startsWith('--') && !valueIndexes.has(index))
if (files.length === 0) {
  console.error('usage: node bench/profile-summary.ts <file.cpuprofile> [--top N]')
  process.exit(2)
}
const root = path.join(import.meta.dirname, '..')

/** `fastify`, `@fastify/secure-session`, `plugins/app/forwarding/forward.ts`, `node:internal/...` */
function ownerOf (url: string): string {
  if (url === '') return '(native/V8)'
  const clean = url.replace(/^file:\/\//, '')
  const modules = clean.lastIndexOf('/node_modules/')
  if (modules >= 0) {
    const parts = clean.slice(modules + '/node_modules/'.length).split('/')
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
  }
  if (clean.startsWith(root)) return path.relative(root, clean)
  if (clean.startsWith('node:')) return clean.split('/').slice(0, 2).join('/')
  return clean
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map(node => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const selfUs = new Map<number, number>()
  let elapsedUs = 0
  profile.samples.forEach((id, index) => {
    elapsedUs += profile.timeDeltas[index] ?? 0
    if (elapsedUs >= skipUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0))
  })
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0)

  const byFunction = new Map<string, number>()
  const byOwner = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame
    const name = `${frame.functionName || '(anonymous)'} ${ownerOf(frame.url)}:${frame.lineNumber + 1}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + us)
    byOwner.set(ownerOf(frame.url), (byOwner.get(ownerOf(frame.url)) ?? 0) + us)
    // Inclusive time of the project's own functions (each counted once per sample stack).
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame
      const owner = ownerOf(f.url)
      if (!/^(src|plugins|routes)\//.test(owner) && !owner.startsWith('@fastify/') && owner !== 'fastify') continue
      const key = `${f.functionName || '(anonymous)'} ${owner}:${f.lineNumber + 1}`
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + us)
    }
  }
  const show = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`)
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${(us / 1000).toFixed(1).padStart(9)} ms ${(100 * us / total).toFixed(1).padStart(5)}%  ${name}`)
    }
  }
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled${skipUs ? ` after the first ${skipUs / 1000} ms` : ''}`)
  show('self time by package / file', byOwner)
  show('self time by function', byFunction)
  show('inclusive time, project code, fastify and @fastify/*', inclusive)
}
