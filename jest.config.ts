import type { Config } from 'jest'

/**
 * One jest run for every package. ESM throughout (see docs/architecture.md): ts-jest compiles
 * TypeScript per file, `.js` import suffixes map back to the `.ts` sources, and workspace
 * packages resolve to their sources so tests never need a build.
 */
const config: Config = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^@kloset/core/testing$': '<rootDir>/packages/core/src/test-support/index.ts',
    '^@kloset/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  roots: ['<rootDir>/packages'],
  testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
  globalSetup: '<rootDir>/packages/core/src/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/packages/core/src/test-support/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
}

export default config
