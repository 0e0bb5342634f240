import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'openapi/**', 'examples/frontend/dist/**'] }),
]
