import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { withCspMeta } from './src/shared/csp';

/** index.html's CSP meta comes from src/shared/csp.ts, the one place the policies are written. */
function cspMeta(): Plugin {
  return { name: 'clara-csp-meta', transformIndexHtml: { order: 'pre', handler: (html) => withCspMeta(html) } };
}

export default defineConfig({
  main: {
    build: {
      // The import worker is its own entry, loaded as out/main/importWorker.js (core/import/parseWorker.ts).
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), importWorker: resolve('src/core/import/worker.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron`: one self-contained CommonJS file.
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    // The General MIDI sound bank (resources/public/soundfonts) ships with the renderer: no CDN, ever.
    publicDir: resolve('resources/public'),
    plugins: [cspMeta(), svelte({ configFile: resolve('svelte.config.js') })],
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
