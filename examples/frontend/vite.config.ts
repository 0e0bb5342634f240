// Vite builds the example frontend (index.html, src/*.ts) into dist/; server.ts serves it and /config.js.
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2023',
    sourcemap: true,
    rolldownOptions: {
      // Built code is not for the linter (`eslint .` would otherwise read dist/ after `npm start`).
      output: { postBanner: '/* eslint-disable */' },
    },
  },
})
