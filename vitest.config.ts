import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { configDefaults, defineConfig } from 'vitest/config';

// Two projects: the engine, shells and e2e in Node, as before; the renderer's Svelte components in jsdom,
// compiled by the Svelte plugin and resolved with the browser condition (Svelte's client runtime, not SSR).
export default defineConfig({
  test: {
    // Whole-corpus round trips and a catalog import take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
          exclude: [...configDefaults.exclude, 'src/renderer/**'],
          environment: 'node',
        },
      },
      {
        extends: true,
        plugins: [svelte(), svelteTesting()],
        test: {
          name: 'dom',
          include: ['src/renderer/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['src/renderer/test-setup.ts'],
        },
      },
    ],
  },
});
