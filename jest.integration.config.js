// Integration suites against real PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL).
const { swcTransform, moduleNameMapper, transformIgnorePatterns } = require('./jest.shared');

module.exports = {
  displayName: 'integration',
  testEnvironment: '<rootDir>/test/support/host-typed-arrays-environment.ts',
  transform: swcTransform,
  transformIgnorePatterns,
  moduleNameMapper,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.int-spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
