import { defineConfig } from 'vitest/config';

// Unit tier: pure modules, no editor and no adapter process.
export default defineConfig({
  test: {
    include: ['extension/**/*.test.ts', 'debug-adapter/**/*.test.ts', 'scripts/**/*.test.ts', 'language-server/**/*.test.ts'],
    environment: 'node',
  },
});
