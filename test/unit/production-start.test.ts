import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'

// Production runs the build with the same Node flags everywhere it is started: the container's CMD
// and `npm run start:bff` (the bench reads the Dockerfile's, bench/lib/stack.ts).
const root = path.join(import.meta.dirname, '..', '..')
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8')
const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

t.test('the container and npm run start:bff start the build with the same flags', async t => {
  const command = JSON.parse([...dockerfile.matchAll(/^CMD (\[.*\])\s*$/gm)].at(-1)![1]!) as string[]
  t.equal(command[0], 'node')
  t.equal(command.at(-1), 'dist/src/main.js', 'the container runs the compiled JavaScript')
  const start = /(?:^|&& )node ((?:--\S+ )*)dist\/src\/main\.js$/.exec(scripts['start:bff']!)
  t.ok(start, 'start:bff runs node on the compiled JavaScript')
  t.match(scripts['start:bff'], /^npm run build && /, 'start:bff builds first')
  t.same(start![1]!.trim().split(' ').filter(Boolean), command.slice(1, -1), 'same Node flags')
  t.ok(command.some(flag => flag.startsWith('--max-semi-space-size=')), 'the young generation is bounded')
})
