const { compilerOptions } = require('./tsconfig.json');

// SWC keeps decorator metadata, which Nest's dependency injection reads at run time.
const swcTransform = {
  '^.+\\.(ts|js)$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

// Node 20 cannot require() these ES-module-only dependencies inside Jest; SWC turns them into CommonJS.
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition|jose)/)'];

module.exports = { swcTransform, moduleNameMapper, transformIgnorePatterns };
