/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Transpile only, with swc (faster than ts-jest's transpiler on a cold cache, as CI's fresh clone has):
    // `npm run typecheck` type-checks everything once.
    '^.+\\.tsx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' },
    ],
  },
  // Checks moto_server and the PostgreSQL binaries once, and shares each environment's templates across files.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/jest-environment.ts', '<rootDir>/test/support/bench-setup.ts'],
  // Two cores, three workers: much of the suite waits on moto_server, PostgreSQL and child processes, and a third
  // worker fills those waits (npm run bench:tests, cold cache, idle machine: 84 s with three, 94 s with two).
  maxWorkers: 3,
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 60000,
};
