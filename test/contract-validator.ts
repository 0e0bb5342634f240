// Validates answers against SweatStack's contract (openapi/sweatstack.json), the schemas the BFF promises.
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import formats from 'ajv-formats'

interface Operation { operationId: string, responses: Record<string, { content?: Record<string, { schema?: object }> }> }
export const contract = JSON.parse(readFileSync(new URL('../openapi/sweatstack.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, Operation>>, components: object }

const ajv = new Ajv2020({ strict: false, allErrors: true })
// ajv-formats is CommonJS: its default export is the plugin itself.
;(formats as unknown as (ajv: Ajv2020) => void)(ajv)
ajv.addSchema(contract as object, 'contract')

const pointer = (part: string): string => part.replace(/~/g, '~0').replace(/\//g, '~1')

/** The errors of `value` against the contract's schema at a JSON pointer, e.g. `/components/schemas/Lap`; [] when it conforms. */
export function errorsAt (path: string, value: unknown): string[] {
  const validate = ajv.getSchema(`contract#${path}`)
  if (validate === undefined) throw new Error(`no schema at ${path} in the contract`)
  return validate(value) ? [] : (validate.errors ?? []).map((error: { instancePath: string, message?: string }) => `${error.instancePath} ${error.message ?? ''}`)
}

/** The errors of `body` against the JSON success answer of `operationId`. */
export function contractErrors (operationId: string, body: unknown): string[] {
  for (const [template, methods] of Object.entries(contract.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (operation.operationId !== operationId) continue
      const status = Object.keys(operation.responses).find(code => code.startsWith('2'))!
      return errorsAt(`/paths/${pointer(template)}/${method}/responses/${status}/content/${pointer('application/json')}/schema`, body)
    }
  }
  throw new Error(`no operation ${operationId} in the contract`)
}

/** The errors of `value` against the contract's component schema `name`. */
export function componentErrors (name: string, value: unknown): string[] {
  return errorsAt(`/components/schemas/${name}`, value)
}

export { pointer as jsonPointerPart }
