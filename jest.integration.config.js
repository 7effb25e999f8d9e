// Integration suites against real PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL).
const { swcTransform, moduleNameMapper, transformIgnorePatterns } = require('./jest.shared');

module.exports = {
  displayName: 'integration',
  testEnvironment: 'node',
  transform: swcTransform,
  transformIgnorePatterns,
  moduleNameMapper,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.int-spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
