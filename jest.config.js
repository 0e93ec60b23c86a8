/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Transpile only (swc): `npm run typecheck` type-checks everything once; per-file type information was the
    // largest cost of a cold run (see `npm run bench:tests`).
    '^.+\\.tsx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' },
    ],
  },
  setupFiles: ['<rootDir>/test/support/jest-environment.ts', '<rootDir>/test/support/bench-setup.ts'],
  // Two cores: much of the suite waits on moto_server, PostgreSQL and child processes, so two workers keep both busy.
  maxWorkers: 2,
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 60000,
};
