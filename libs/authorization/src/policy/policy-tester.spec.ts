import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROLES, SCOPES } from '@infergate/contracts';
import { loadPolicySet, parsePolicySet } from './policy-set.loader';
import {
  describeFailure,
  loadPolicyTests,
  policyTestDirectory,
  PolicyTester,
  principalOf,
  type LocatedPolicyTestCase,
} from './policy-tester';
import type { PolicySet } from './policy.types';

const SHIPPED = join(__dirname, '../../../../policies');

function setOf(text: string): PolicySet {
  const result = parsePolicySet([{ name: 'test.yaml', text }]);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.set;
}

const ORDER_SET = setOf(`rules:
  - id: consumer-infer
    effect: allow
    roles: [model-consumer]
    actions: [read, infer]
    subject: Model
    conditions:
      orgId: "\${principal.orgId}"
    scopes: [infer]
  - id: deny-disabled
    effect: deny
    roles: ["*"]
    actions: [infer]
    subject: Model
    conditions:
      status: disabled
`);

function testCase(overrides: Partial<LocatedPolicyTestCase>): LocatedPolicyTestCase {
  return {
    name: 'a case',
    file: 'tests/x.yaml',
    line: 3,
    principal: { roles: ['model-consumer'], orgId: 'org-a' },
    action: 'infer',
    subject: 'Model',
    resource: { orgId: 'org-a', status: 'active' },
    expect: 'allow',
    ...overrides,
  };
}

describe(PolicyTester.name, () => {
  const sut = new PolicyTester();

  it('decides with the gateway ability: own org allowed, other org and deny rules refused', () => {
    expect(sut.evaluate(ORDER_SET, testCase({}))).toEqual({ decision: 'allow', decidedBy: 'consumer-infer' });
    expect(sut.evaluate(ORDER_SET, testCase({ resource: { orgId: 'org-b', status: 'active' } }))).toEqual({ decision: 'deny' });
    expect(sut.evaluate(ORDER_SET, testCase({ resource: { orgId: 'org-a', status: 'disabled' } }))).toEqual({
      decision: 'deny',
      decidedBy: 'deny-disabled',
    });
  });

  it('narrows by token scopes and checks the type without a resource', () => {
    const narrowed = testCase({ principal: { roles: ['model-consumer'], orgId: 'org-a', scopes: ['models:read'] } });
    expect(sut.evaluate(ORDER_SET, narrowed).decision).toBe('deny');
    expect(sut.evaluate(ORDER_SET, testCase({ resource: undefined })).decision).toBe('allow');
    expect(sut.evaluate(ORDER_SET, testCase({ resource: undefined, principal: { roles: ['auditor'], orgId: 'org-a' } })).decision).toBe(
      'deny',
    );
  });

  it('reports a case whose expectation is wrong, with the rule that decided', () => {
    const report = sut.run(ORDER_SET, [testCase({ name: 'right' }), testCase({ name: 'wrong', expect: 'deny', line: 9 })]);
    expect({ passed: report.passed, failed: report.failed }).toEqual({ passed: 1, failed: 1 });
    const failure = report.results.find((result) => !result.passed)!;
    expect(describeFailure(failure)).toBe('tests/x.yaml:9: FAIL "wrong": expected deny, got allow (decided by rule "consumer-infer")');
  });
});

describe(principalOf.name, () => {
  it('binds roles in the org (platform-admin platform-wide) or a project, with safe defaults', () => {
    expect(principalOf({ roles: ['platform-admin', 'model-publisher@p1', 'auditor'], orgId: 'org-a' })).toMatchObject({
      orgId: 'org-a',
      roles: [
        { role: 'platform-admin', orgId: null, projectId: null },
        { role: 'model-publisher', orgId: 'org-a', projectId: 'p1' },
        { role: 'auditor', orgId: 'org-a', projectId: null },
      ],
      projectIds: ['p1'],
      scopes: [...SCOPES],
      clearance: 'public',
      allowedRegions: [],
    });
  });
});

describe(loadPolicyTests.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-tests-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reports invalid cases one line each, with file, line and path', async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      'cases:\n  - name: x\n    principal: { roles: [root] }\n    action: read\n    subject: Model\n    expect: maybe\n    extra: 1\n',
    );
    const { cases, problems } = await loadPolicyTests(dir);
    expect(cases).toEqual([]);
    // One line per problem, in the order of the file's lines; an unknown key at its own pointer.
    expect(problems).toEqual([
      expect.stringMatching(/bad\.yaml:3: at \/cases\/0\/principal\/roles\/0: unknown role in "root"/),
      expect.stringMatching(/bad\.yaml:6: at \/cases\/0\/expect: unknown expectation "maybe"/),
      expect.stringMatching(/bad\.yaml:7: at \/cases\/0\/extra: unknown key "extra"$/),
    ]);
  });

  it.each([
    ['an empty file', '', /bad\.yaml:1: at \/: a policy test file is a mapping with one key, cases:/],
    ['no cases', 'cases: []\n', /bad\.yaml:1: at \/cases: a test file needs at least one case$/],
    ['a case that is not a mapping', 'cases: [x]\n', /bad\.yaml:1: at \/cases\/0: a case is a mapping/],
    [
      'a malformed role',
      'cases:\n  - { name: x, principal: { roles: ["a b"] }, action: read, subject: Model, expect: allow }\n',
      /at \/cases\/0\/principal\/roles\/0: a role is "role" or "role@projectId"$/,
    ],
    [
      'a principal that is not a mapping',
      'cases:\n  - { name: x, principal: auditor, action: read, subject: Model, expect: allow }\n',
      /at \/cases\/0\/principal: principal must be a mapping/,
    ],
    [
      'a missing expectation',
      'cases:\n  - { name: x, principal: { roles: [auditor] }, action: read, subject: Model }\n',
      /at \/cases\/0\/expect: expect is required \(one of allow, deny\)$/,
    ],
    [
      'an unknown principal key',
      'cases:\n  - { name: x, principal: { roles: [auditor], tenant: t }, action: read, subject: Model, expect: allow }\n',
      /at \/cases\/0\/principal\/tenant: unknown key "tenant"$/,
    ],
    [
      'a constructor key in a resource',
      'cases:\n  - { name: x, principal: { roles: [auditor] }, action: read, subject: Model, resource: { constructor: 1 }, expect: allow }\n',
      /at \/cases\/0\/resource\/constructor: key "constructor" is not allowed/,
    ],
  ])('refuses %s with one line', async (_what, text, pattern) => {
    await writeFile(join(dir, 'bad.yaml'), text);
    const { cases, problems } = await loadPolicyTests(dir);
    expect(cases).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(pattern)]);
  });

  it('reads a valid case as written, with a null orgId and its line', async () => {
    await writeFile(
      join(dir, 'ok.yaml'),
      'cases:\n  - name: platform\n    principal: { roles: [platform-admin], orgId: null }\n    action: read\n    subject: Model\n    expect: allow\n',
    );
    const { cases, problems } = await loadPolicyTests(dir);
    expect(problems).toEqual([]);
    expect(cases).toEqual([
      {
        name: 'platform',
        principal: { roles: ['platform-admin'], orgId: null },
        action: 'read',
        subject: 'Model',
        expect: 'allow',
        file: join(dir, 'ok.yaml'),
        line: 2,
      },
    ]);
  });

  it('reports a missing test directory', async () => {
    expect((await loadPolicyTests(join(dir, 'none'))).problems).toEqual([expect.stringContaining('cannot read the policy tests (ENOENT)')]);
  });
});

describe('the shipped policy set', () => {
  it('passes its own policy unit tests, which cover every role, both effects and scope narrowing', async () => {
    const loaded = await loadPolicySet(SHIPPED);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const { cases, problems } = await loadPolicyTests(policyTestDirectory(SHIPPED));
    expect(problems).toEqual([]);

    const report = new PolicyTester().run(loaded.set, cases);

    expect(report.results.filter((result) => !result.passed).map(describeFailure)).toEqual([]);
    expect(report.passed).toBeGreaterThanOrEqual(30);
    const roles = new Set(cases.flatMap((c) => c.principal.roles.map((role) => role.split('@')[0])));
    expect([...roles].sort()).toEqual([...ROLES].sort());
    expect(new Set(cases.map((c) => c.expect))).toEqual(new Set(['allow', 'deny']));
    expect(cases.filter((c) => c.principal.scopes !== undefined).length).toBeGreaterThanOrEqual(5);
    const decidedByDeny = report.results.filter(
      (r) => r.decidedBy && loaded.set.rules.find((rule) => rule.id === r.decidedBy)?.effect === 'deny',
    );
    expect(decidedByDeny.length).toBeGreaterThanOrEqual(3);
  });
});
