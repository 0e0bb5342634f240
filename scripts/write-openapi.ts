// Writes this server's OpenAPI document to openapi/bff.json; with --check, fails when the file is out of date.
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { writeOrCheck } from './write-or-check.ts'

const file = path.join(import.meta.dirname, '..', 'openapi', 'bff.json')

export async function openApiDocument (): Promise<string> {
  // The document must not depend on who generates it: default settings, sandbox mode.
  let plugin: FastifyInstance | undefined
  const app = await buildApp(loadConfig({}), { logger: false, onPluginInstance: instance => { plugin = instance } })
  await app.ready()
  const document = JSON.stringify(plugin!.swagger(), null, 2) + '\n'
  await app.close()
  return document
}

if (import.meta.main) {
  await writeOrCheck(file, await openApiDocument(), 'the routes', 'openapi')
}
