import neostandard from 'neostandard'
import globals from 'globals'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'openapi/**'] }),
  { files: ['examples/frontend/public/**/*.js'], languageOptions: { globals: globals.browser } },
]
