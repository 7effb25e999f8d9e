// Unit specs live next to their source; end-to-end suites in test/ run the real app over HTTP.
// Both run with `npm test` on the embedded default (no other process needed).
const { swcTransform, moduleNameMapper, transformIgnorePatterns } = require('./jest.shared');

// The host's typed arrays: onnxruntime-node (in-process models) checks its outputs with instanceof.
const testEnvironment = '<rootDir>/test/support/host-typed-arrays-environment.ts';
const common = { testEnvironment, transform: swcTransform, transformIgnorePatterns, moduleNameMapper };

module.exports = {
  // testTimeout is a global option: per-project values are ignored.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/apps', '<rootDir>/libs'], testMatch: ['**/*.spec.ts'] },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
