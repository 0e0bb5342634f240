// Writes this server's OpenAPI document to openapi/bff.json; with --check, fails when the file is out of date.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'

const file = path.join(import.meta.dirname, '..', 'openapi', 'bff.json')

export async function openApiDocument (): Promise<string> {
  // The document must not depend on who generates it: default settings, sandbox mode.
  const app = await buildApp(loadConfig({}), { logger: false })
  await app.ready()
  const document = JSON.stringify(app.swagger(), null, 2) + '\n'
  await app.close()
  return document
}

if (import.meta.main) {
  const document = await openApiDocument()
  if (process.argv.includes('--check')) {
    const committed = await readFile(file, 'utf8').catch(() => '')
    if (committed !== document) {
      console.error('openapi/bff.json is out of date with the routes: run `npm run openapi` and commit the result.')
      process.exit(1)
    }
    console.log('openapi/bff.json is up to date')
  } else {
    await writeFile(file, document)
    console.log(`wrote ${path.relative(process.cwd(), file)}`)
  }
}
