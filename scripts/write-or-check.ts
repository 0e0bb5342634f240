import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * For generated files that are committed: writes `content` to `file`, or with --check on the command
 * line, fails (exit 1) when the committed file differs, naming the npm script that regenerates it.
 */
export async function writeOrCheck (file: string, content: string, source: string, script: string): Promise<void> {
  const relative = path.relative(path.join(import.meta.dirname, '..'), file)
  if (process.argv.includes('--check')) {
    const committed = await readFile(file, 'utf8').catch(() => '')
    if (committed !== content) {
      console.error(`${relative} is out of date with ${source}: run \`npm run ${script}\` and commit the result.`)
      process.exit(1)
    }
    console.log(`${relative} is up to date`)
  } else {
    await writeFile(file, content)
    console.log(`wrote ${relative}`)
  }
}
