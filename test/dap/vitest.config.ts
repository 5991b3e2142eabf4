import { defineConfig } from 'vitest/config';

// Protocol tier: DebugClient against the built adapter in dist/ (what ships), on real Pythons.
export default defineConfig({
  test: {
    root: __dirname,
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Each test spawns an adapter and a Python; two cores.
    fileParallelism: false,
  },
});
