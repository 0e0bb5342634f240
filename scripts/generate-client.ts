// Generates clients/bff-client/schema.d.ts (openapi-typescript) from openapi/bff.json, the BFF's own
// OpenAPI document, for the typed frontend client in clients/bff-client/index.ts.
// With --check, fails when the checked-in file is out of date. Run: npm run client
import { readFile } from 'node:fs/promises'
import { writeOrCheck } from './write-or-check.ts'
import path from 'node:path'
import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript'
import type { OpenAPI3 } from 'openapi-typescript'

const root = path.join(import.meta.dirname, '..')
const documentFile = path.join(root, 'openapi', 'bff.json')
const outputFile = path.join(root, 'clients', 'bff-client', 'schema.d.ts')

export async function generate (): Promise<string> {
  const document = JSON.parse(await readFile(documentFile, 'utf8')) as OpenAPI3
  // `silent`: the document's own lint is `npm run lint:openapi`; only the types matter here.
  const ast = await openapiTS(document, { silent: true, alphabetize: false })
  // Generated code keeps openapi-typescript's own style; the lint checks the code people write.
  return '/* eslint-disable */\n' + COMMENT_HEADER.replace(' */', ' * Source: openapi/bff.json. Regenerate with `npm run client`.\n */') + astToString(ast)
}

await writeOrCheck(outputFile, await generate(), 'openapi/bff.json', 'client')
