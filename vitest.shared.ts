import { defineConfig } from 'vitest/config';

// Shared by every package's vitest.config.ts. Workspace packages resolve to their TypeScript
// sources through the "@augprior/source" export condition, so tests never need a prior build.
export const packageTestConfig = defineConfig({
  resolve: { conditions: ['@augprior/source'] },
  ssr: { resolve: { conditions: ['@augprior/source'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
