/**
 * `npm run conformance`: real clients (Debian's azure-cli, the official SDK clients, Microsoft's REST examples)
 * against the stand-in. Kept apart from `npm test`: the first run unpacks azure-cli (about 1-3 minutes).
 */
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/__tests__/conformance/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
  // One file at a time: each starts a stand-in and az is CPU-heavy.
  maxWorkers: 1
};
