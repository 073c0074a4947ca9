/** ESM TypeScript through ts-jest; action-level tests start the committed bundles as subprocesses. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 30_000,
  // Most suites wait on subprocesses and local servers (a full run keeps the 2 cores under 20 % busy),
  // so four workers overlap the waiting; no test depends on having a core to itself.
  maxWorkers: 4,
};
