/**
 * jest runs TypeScript as native ESM (ts-jest, --experimental-vm-modules; see the `test` script).
 * Type errors are caught by `npm run typecheck`, so ts-jest only transpiles here.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // Real clients against the stand-in run apart: `npm run conformance` (docs/conformance.md).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/conformance/'],
  testTimeout: 120000,
  // End-to-end suites start servers; running two at once on a 2-core machine only slows both.
  maxWorkers: 2
};
