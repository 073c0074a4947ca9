/** ESM TypeScript through ts-jest; action-level tests start the committed bundles as subprocesses. */
export default {
  // Node's environment, failing a test file that leaves a server, child or timer running after it.
  testEnvironment: '<rootDir>/__tests__/harness/leak-guard-environment.mjs',
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
  // A worker's heap grows with every ESM test file it runs (each loads the modules afresh in its own
  // vm context) to 0.5-0.9 GB by the end of a run, and tearing that down took 210-380 ms on a loaded
  // machine: close to jest's 500 ms for a worker to exit, after which it warns of a leak that is not
  // there (leak-guard-environment.mjs checks every file). A worker above this heap after a file is
  // replaced by a fresh one, so none is large when the run ends.
  workerIdleMemoryLimit: '256MB',
};
