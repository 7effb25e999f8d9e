// The lib dependency lint (run by `npm run lint`, proven by test/lint/lib-dependencies.e2e-spec.ts).
// Libraries depend downward only: a cycle between libs, a lib reaching into an app (or tests, examples,
// benchmarks), or a lib entering another lib anywhere but its index.ts would make the libs impossible to
// reuse one by one (issue 15: "modules a team can reuse"), so the build fails on each.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-lib-cycle',
      comment:
        'Libraries form a cycle (at the @infergate/<lib> level): libs depend downward only; move the shared type into @infergate/contracts.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^libs/[^/]+/src$' },
      to: { path: '^libs/[^/]+/src$', circular: true },
    },
    {
      name: 'no-file-cycle-in-lib',
      comment: 'Files of a library import each other in a circle at run time: Nest then sees one of the classes as undefined.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      // Inside one library only run-time cycles matter (type-only imports are erased by the compiler);
      // a cycle that leaves the library is no-lib-cycle's to report.
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { path: '^libs/$1/', dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'lib-imports-app',
      comment: 'A library never imports an app, an example, a benchmark or a test: apps compose libs, not the other way round.',
      severity: 'error',
      from: { path: '^libs/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(apps|examples|bench|test)/' },
    },
    {
      name: 'lib-spec-imports-app',
      comment: "A library's unit spec may borrow test/support helpers, never an app, an example or a benchmark.",
      severity: 'error',
      from: { path: '^libs/.+\\.spec\\.ts$' },
      to: { path: '^(apps|examples|bench)/' },
    },
    {
      name: 'lib-reaches-into-lib',
      comment: "A library reaches into another library's internals: import it as @infergate/<name> (its index.ts) instead.",
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'lib-index-by-path',
      comment: 'A library imports another by a relative or base-url path: import it as @infergate/<name>, which the lint can see.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/index\\.ts$', pathNot: '^libs/$1/', dependencyTypesNot: ['aliased-tsconfig-paths'] },
    },
    {
      name: 'app-reaches-into-lib',
      comment: 'Apps and examples compose libraries through @infergate/<name> only (tests and benchmarks may reach further).',
      severity: 'error',
      from: { path: '^(apps|examples)/' },
      to: { path: '^libs/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      // tsconfig maps @infergate/<name> alone, so '@infergate/<name>/<path>' cannot even resolve.
      name: 'lib-internals-by-deep-alias',
      comment: 'A library is entered through @infergate/<name> only, never through @infergate/<name>/<path>.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^@infergate/[^/]+/', couldNotResolve: true },
    },
    {
      name: 'lib-import-unresolvable',
      comment: 'A library imports something that does not resolve (a typo, a missing package or a path that moved).',
      severity: 'error',
      from: { path: '^libs/' },
      to: { couldNotResolve: true, pathNot: '^@infergate/[^/]+/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle through types is still a cycle between libraries.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    exclude: { path: '(^|/)(node_modules|dist)/' },
  },
};
