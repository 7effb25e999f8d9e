import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POLICY_SUBJECTS } from '@infergate/contracts';
import { LIST_PLACEHOLDERS, POLICY_CONDITION_FIELDS, SCALAR_PLACEHOLDERS } from './policy-condition-fields';
import { loadPolicySet, parsePolicySet, PolicySetError, type PolicySetResult } from './policy-set.loader';
import { canonicalJson } from '@infergate/common';
import { policyVersion } from './policy-version';
import { PRINCIPAL_PLACEHOLDERS } from './policy.types';

const VALID_RULE = `  - id: org-admin-projects
    effect: allow
    roles: [org-admin]
    actions: [read, update]
    subject: Project
    conditions:
      orgId: "\${principal.orgId}"
    scopes: [admin]
    description: projects of the own org
`;

/** A file whose second rule (line 11 on) is `rule`, after a valid first rule. */
function withRule(rule: string): string {
  return `rules:\n${VALID_RULE}\n${rule}`;
}

function problemsOf(result: PolicySetResult): string[] {
  if (result.ok) throw new Error(`expected an invalid set, got version ${result.set.version}`);
  return result.problems;
}

function parse(text: string, name = '10-test.yaml'): PolicySetResult {
  return parsePolicySet([{ name, text }]);
}

describe('parsePolicySet', () => {
  it('accepts a valid set, frozen, with its files and version', () => {
    const result = parse(withRule(VALID_RULE.replace('org-admin-projects', 'second')));
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.set.rules.map((rule) => rule.id)).toEqual(['org-admin-projects', 'second']);
    expect(result.set.files).toEqual(['10-test.yaml']);
    expect(result.set.version).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.isFrozen(result.set.rules[0].conditions)).toBe(true);
  });

  it.each([
    ['an unknown key', '    priority: 3', /10-test\.yaml:1\d: rule "bad" \(#1\) at \/rules\/1\/priority: unknown key "priority"/],
    ['an unknown role', '', /rule "bad" \(#1\) at \/rules\/1\/roles\/0: unknown role "root"/, { roles: '[root]' }],
    ['an unknown action', '', /at \/rules\/1\/actions\/1: unknown action "destroy"/, { actions: '[read, destroy]' }],
    ['an unknown subject', '', /at \/rules\/1\/subject: unknown subject "Widget"/, { subject: 'Widget' }],
    ['an unknown scope', '', /at \/rules\/1\/scopes\/0: unknown scope "superuser"/, { scopes: '[superuser]' }],
    ['an unknown effect', '', /at \/rules\/1\/effect: unknown effect "maybe"/, { effect: 'maybe' }],
  ])('refuses %s, naming file, line, rule and path', (_what, extra, pattern, replace: Record<string, string> = {}) => {
    let rule = `  - id: bad\n    effect: allow\n    roles: [org-admin]\n    actions: [read]\n    subject: Project\n    scopes: [admin]\n${extra ? `${extra}\n` : ''}`;
    for (const [key, value] of Object.entries(replace)) rule = rule.replace(new RegExp(`(    ${key}: ).*`), `$1${value}`);
    const problems = problemsOf(parse(withRule(rule)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });

  it('locates a problem on the line it is written', () => {
    const problems = problemsOf(
      parse(withRule('  - id: bad\n    effect: allow\n    roles: [org-admin]\n    actions: [read]\n    subject: Widget\n')),
    );
    // "rules:" is line 1, the first rule lines 2-10, a blank line 11; the bad rule's subject is line 16.
    expect(problems).toEqual([
      expect.stringMatching(/^10-test\.yaml:16: rule "bad" \(#1\) at \/rules\/1\/subject: unknown subject "Widget"/),
    ]);
  });

  it('refuses an unknown operator', () => {
    const rule =
      '  - id: bad\n    effect: allow\n    roles: [auditor]\n    actions: [read]\n    subject: Model\n    conditions:\n      name: { $regex: "^a" }\n';
    expect(problemsOf(parse(withRule(rule)))).toEqual([
      expect.stringMatching(/^10-test\.yaml:18: rule "bad" \(#1\) at \/rules\/1\/conditions\/name\/\$regex: unknown operator "\$regex"/),
    ]);
  });

  it.each([
    ['$or at the top level', '$or: [{ status: active }]', /operator "\$or" is not allowed here/],
    ['a field the subject does not have', 'secretHash: x', /"secretHash" is not a condition field of Model \(allowed: id, orgId/],
    ['a list without $in', 'status: [active, disabled]', /a list of values needs \$in or \$nin/],
    ['an object value', 'status: { $eq: { a: 1 } }', /must be a string, number, boolean or null/],
    ['an empty $in', 'status: { $in: [] }', /an empty list matches nothing/],
  ])('refuses %s in conditions', (_what, condition, pattern) => {
    const rule = `  - id: bad\n    effect: allow\n    roles: [auditor]\n    actions: [read]\n    subject: Model\n    conditions:\n      ${condition}\n`;
    expect(problemsOf(parse(withRule(rule)))).toEqual([expect.stringMatching(pattern)]);
  });

  it.each([
    ['embedded in a longer string', 'orgId: "org-${principal.orgId}"', /bad placeholder "org-\$\{principal\.orgId\}"/],
    ['of an unknown attribute', 'orgId: "${principal.tenant}"', /bad placeholder "\$\{principal\.tenant\}"/],
    ['of another object', 'orgId: "${request.orgId}"', /bad placeholder/],
    ['a list used as a single value', 'orgId: "${principal.projectIds}"', /is a list; use it under \$in or \$nin/],
    ['a single value under $in', 'orgId: { $in: "${principal.orgId}" }', /is a single value; \$in\/\$nin need a list/],
  ])('refuses a placeholder %s', (_what, condition, pattern) => {
    const rule = `  - id: bad\n    effect: allow\n    roles: [auditor]\n    actions: [read]\n    subject: Model\n    conditions:\n      ${condition}\n`;
    expect(problemsOf(parse(withRule(rule)))).toEqual([expect.stringMatching(pattern)]);
  });

  it('accepts every operator and placeholder in its place', () => {
    const rule = [
      '  - id: good',
      '    effect: allow',
      '    roles: ["*"]',
      '    actions: [infer]',
      '    subject: ModelVersion',
      '    conditions:',
      '      orgId: "${principal.orgId}"',
      '      projectId: { $in: "${principal.projectIds}" }',
      '      sensitivity: { $nin: [restricted] }',
      '      region: { $in: "${principal.allowedRegions}" }',
      '      version: { $gte: 1, $lt: 10 }',
      '      stage: { $ne: archived }',
      '      status: { $eq: active }',
      '      modelId: null',
      '    fields: [id, inputSchema]',
      '',
    ].join('\n');
    expect(parse(withRule(rule)).ok).toBe(true);
  });

  it('refuses scopes on a deny rule', () => {
    const rule = '  - id: bad\n    effect: deny\n    roles: [auditor]\n    actions: [read]\n    subject: Model\n    scopes: [admin]\n';
    expect(problemsOf(parse(withRule(rule)))).toEqual([
      expect.stringMatching(/rule "bad" \(#1\) at \/rules\/1\/scopes: scopes apply only to allow rules/),
    ]);
  });

  it('refuses a duplicate id across files, naming where it was first', () => {
    const problems = problemsOf(
      parsePolicySet([
        { name: '00-a.yaml', text: `rules:\n${VALID_RULE}` },
        { name: '10-b.yaml', text: `rules:\n${VALID_RULE}` },
      ]),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^10-b\.yaml:2: rule "org-admin-projects" \(#0\) at \/rules\/0\/id: duplicate rule id "org-admin-projects" \(first in 00-a\.yaml #0\)/,
      ),
    ]);
  });

  it('refuses a YAML syntax error with its line', () => {
    const problems = problemsOf(parse('rules:\n  - id: a\n    roles: [org-admin\n    effect: allow\n'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^10-test\.yaml:\d+: YAML syntax error: /);
  });

  it('refuses a duplicate key in a mapping', () => {
    expect(
      problemsOf(
        parse(withRule(VALID_RULE.replace('org-admin-projects', 'x').replace('    description:', '    subject: Model\n    description:'))),
      ),
    ).toEqual([expect.stringMatching(/YAML syntax error: Map keys must be unique/)]);
  });

  it('refuses a file that is not a mapping with rules, and unknown top-level keys', () => {
    expect(problemsOf(parse('- just a list\n'))).toEqual([
      expect.stringMatching(/^10-test\.yaml:1: at \/: a policy file is a mapping with one key, rules:/),
    ]);
    expect(problemsOf(parse(`version: 2\nrules:\n${VALID_RULE}`))).toEqual([
      expect.stringMatching(/^10-test\.yaml:1: at \/version: unknown key "version"/),
    ]);
  });

  it('reports every problem of the set, one line each', () => {
    const bad =
      '  - id: Bad Id\n    effect: deny\n    roles: []\n    actions: [read]\n    subject: Project\n    scopes: [admin]\n    extra: 1\n';
    const problems = problemsOf(parse(withRule(bad)));
    expect(problems.length).toBeGreaterThanOrEqual(4);
    for (const problem of problems) expect(problem).not.toContain('\n');
    expect(problems.join('\n')).toMatch(/at \/rules\/1\/id: id must be/);
    expect(problems.join('\n')).toMatch(/at \/rules\/1\/roles: roles must not be empty/);
    expect(problems.join('\n')).toMatch(/unknown key "extra"/);
    expect(problems.join('\n')).toMatch(/scopes apply only to allow rules/);
  });

  it('lists the problems of a file in the order of its lines, each item at its own pointer', () => {
    const rule = '  - id: bad\n    subject: Widget\n    roles: [root, org-admin, root]\n    effect: maybe\n    actions: []\n';
    expect(problemsOf(parse(withRule(rule)))).toEqual([
      expect.stringMatching(/^10-test\.yaml:13: rule "bad" \(#1\) at \/rules\/1\/subject: unknown subject "Widget" \(expected one of /),
      '10-test.yaml:14: rule "bad" (#1) at /rules/1/roles: roles lists an entry twice',
      expect.stringMatching(
        /^10-test\.yaml:14: rule "bad" \(#1\) at \/rules\/1\/roles\/0: unknown role "root" \(expected one of .*, \*\)$/,
      ),
      expect.stringMatching(/^10-test\.yaml:14: rule "bad" \(#1\) at \/rules\/1\/roles\/2: unknown role "root"/),
      '10-test.yaml:15: rule "bad" (#1) at /rules/1/effect: unknown effect "maybe" (expected one of allow, deny)',
      '10-test.yaml:16: rule "bad" (#1) at /rules/1/actions: actions must not be empty',
    ]);
  });

  it('names what a rule is missing, and refuses a rule that is not a mapping', () => {
    expect(problemsOf(parse('rules:\n  - just a string\n  - { id: b, effect: allow, roles: [auditor], actions: [read] }\n'))).toEqual([
      '10-test.yaml:2: rule #0 at /rules/0: a rule is a mapping (id, effect, roles, actions, subject, …)',
      expect.stringMatching(/^10-test\.yaml:3: rule "b" \(#1\) at \/rules\/1\/subject: subject is required \(one of Organization, /),
    ]);
  });

  it.each([
    ['a list given as a single value', '    scopes: admin', 'at /rules/1/scopes: scopes must be a list'],
    ['a null optional value', '    description: null', 'at /rules/1/description: description must be a string'],
    ['a field that is not a property name', '    fields: [id, "a b"]', 'at /rules/1/fields/1: a field must be a property name'],
    [
      'conditions that are a list',
      '    conditions: [1]',
      'at /rules/1/conditions: conditions must be a mapping of resource field to condition',
    ],
    ['a number where the id is', '', 'at /rules/1/id: id must be 1-128 of a-z', { id: '7' }],
  ])('refuses %s', (_what, extra, message, replace: Record<string, string> = {}) => {
    let rule = `  - id: bad\n    effect: allow\n    roles: [auditor]\n    actions: [read]\n    subject: Model\n${extra ? `${extra}\n` : ''}`;
    for (const [key, value] of Object.entries(replace)) rule = rule.replace(new RegExp(`((?:    |  - )${key}: ).*`), `$1${value}`);
    expect(problemsOf(parse(withRule(rule)))).toEqual([expect.stringContaining(message)]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key in a rule instead of failing on it', (key) => {
    const rule = `  - id: bad\n    effect: allow\n    roles: [auditor]\n    actions: [read]\n    subject: Model\n    ${key}: { orgId: x }\n`;
    expect(problemsOf(parse(withRule(rule)))).toEqual([
      `10-test.yaml:17: at /rules/1/${key}: key "${key}" is not allowed (it names an object prototype)`,
    ]);
  });

  it('keeps the rule as written: nothing converted, nothing added', () => {
    const result = parse(`rules:\n${VALID_RULE}`);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.set.rules).toEqual([
      {
        id: 'org-admin-projects',
        effect: 'allow',
        roles: ['org-admin'],
        actions: ['read', 'update'],
        subject: 'Project',
        conditions: { orgId: '${principal.orgId}' },
        scopes: ['admin'],
        description: 'projects of the own org',
      },
    ]);
    expect(Object.getPrototypeOf(result.set.rules[0])).toBe(Object.prototype);
  });

  it('refuses an empty set', () => {
    expect(problemsOf(parse('rules: []\n'))).toEqual(['the policy set has no rules: every request would be denied']);
  });
});

describe('policyVersion', () => {
  const reordered = `rules:
  - description: projects of the own org
    scopes: [admin]
    conditions:
      orgId: "\${principal.orgId}"
    subject: Project
    actions: [read, update]
    roles: [org-admin]
    effect: allow
    id: org-admin-projects
`;

  function versionOf(text: string, name = 'a.yaml'): string {
    const result = parse(text, name);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    return result.set.version;
  }

  it('does not depend on key order, comments, formatting or file names', () => {
    const base = versionOf(`rules:\n${VALID_RULE}`);
    expect(versionOf(reordered, 'other-name.yaml')).toBe(base);
    expect(versionOf(`# a comment\nrules:\n${VALID_RULE.replace('[read, update]', '\n      - read\n      - update')}`)).toBe(base);
  });

  it('changes with the content and with the rule order', () => {
    const base = versionOf(`rules:\n${VALID_RULE}`);
    expect(versionOf(`rules:\n${VALID_RULE.replace('[read, update]', '[read]')}`)).not.toBe(base);
    expect(versionOf(`rules:\n${VALID_RULE.replace('own org', 'own organization')}`)).not.toBe(base);
    const second = VALID_RULE.replace('org-admin-projects', 'second');
    expect(versionOf(`rules:\n${VALID_RULE}${second}`)).not.toBe(versionOf(`rules:\n${second}${VALID_RULE}`));
  });

  it('is the SHA-256 of the canonical JSON of the rules', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, b: null }] })).toBe('{"a":[{"b":null,"d":2}],"b":1}');
    expect(policyVersion([])).toBe('4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
  });
});

describe('loadPolicySet', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policies-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads *.yaml in file-name order, ignoring other files and tests/', async () => {
    await writeFile(join(dir, '20-b.yaml'), `rules:\n${VALID_RULE.replace('org-admin-projects', 'b')}`);
    await writeFile(join(dir, '10-a.yml'), `rules:\n${VALID_RULE.replace('org-admin-projects', 'a')}`);
    await writeFile(join(dir, 'README.md'), '# not a policy');
    const result = await loadPolicySet(dir);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.set.files).toEqual(['10-a.yml', '20-b.yaml']);
    expect(result.set.rules.map((rule) => rule.id)).toEqual(['a', 'b']);
  });

  it('names the directory and file in problems', async () => {
    await writeFile(join(dir, '10-a.yaml'), 'rules: [ { id: x } ]');
    const problems = problemsOf(await loadPolicySet(dir));
    expect(problems[0].startsWith(`${join(dir, '10-a.yaml')}:1: rule "x" (#0) at /rules/0/effect:`)).toBe(true);
  });

  it('refuses a missing directory and one without policy files', async () => {
    expect(problemsOf(await loadPolicySet(join(dir, 'nope')))).toEqual([`${join(dir, 'nope')}: cannot read the policy directory (ENOENT)`]);
    expect(problemsOf(await loadPolicySet(dir))).toEqual([`${dir}: no policy files (*.yaml)`]);
  });

  it('loads the shipped default set', async () => {
    const result = await loadPolicySet(join(__dirname, '../../../../policies'));
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.set.rules.length).toBeGreaterThan(30);
    expect(result.set.files).toEqual(['00-platform.yaml', '10-tenancy.yaml', '20-models.yaml', '30-audit.yaml']);
    for (const rule of result.set.rules) expect(rule.description).toBeTruthy();
  });
});

describe(PolicySetError.name, () => {
  it('lists one problem per line under a one-line summary', () => {
    const error = new PolicySetError(['a.yaml:1: one', 'a.yaml:2: two'], 'policy set in ./policies');
    expect(error.message.split('\n')).toEqual(['invalid policy set in ./policies (2 problems):', '  - a.yaml:1: one', '  - a.yaml:2: two']);
  });
});

describe('POLICY_CONDITION_FIELDS', () => {
  it('covers every subject, and the placeholder kinds cover every placeholder', () => {
    expect(Object.keys(POLICY_CONDITION_FIELDS).sort()).toEqual([...POLICY_SUBJECTS].sort());
    expect([...LIST_PLACEHOLDERS, ...SCALAR_PLACEHOLDERS].sort()).toEqual([...PRINCIPAL_PLACEHOLDERS].sort());
  });
});
