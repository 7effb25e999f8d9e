import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfergateConfig } from '../../../gateway/src/config';
import { PoliciesTestCommand, PoliciesValidateCommand } from './policies.command';

const SHIPPED = join(__dirname, '../../../../policies');

describe('policies commands', () => {
  let out: string[];
  let err: string[];
  let dir: string;
  const config = { authorization: { policyDir: SHIPPED, watchPolicies: false } } as InfergateConfig;

  beforeEach(async () => {
    out = [];
    err = [];
    process.exitCode = undefined;
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    dir = await mkdtemp(join(tmpdir(), 'policies-cli-'));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  describe(PoliciesValidateCommand.name, () => {
    it('prints the rule count and version of the configured set and exits 0', async () => {
      await new PoliciesValidateCommand(config).run([], {});
      expect(out.join('')).toMatch(/^policy set valid: \d+ rules, version [0-9a-f]{64}\n$/);
      expect(process.exitCode).toBeUndefined();
    });

    it('prints one line per problem of --dir and exits 1', async () => {
      await writeFile(
        join(dir, '10-bad.yaml'),
        'rules:\n  - id: a\n    effect: allow\n    roles: [root]\n    actions: [read]\n    subject: Widget\n',
      );
      await new PoliciesValidateCommand(config).run([], { dir });
      expect(out).toEqual([]);
      expect(err.join('').trim().split('\n')).toEqual([
        expect.stringMatching(/^infergate: .*10-bad\.yaml:4: rule "a" \(#0\) at \/rules\/0\/roles\/0: unknown role "root"/),
        expect.stringMatching(/^infergate: .*10-bad\.yaml:6: rule "a" \(#0\) at \/rules\/0\/subject: unknown subject "Widget"/),
        'infergate: policy set invalid: 2 problems',
      ]);
      expect(process.exitCode).toBe(1);
    });
  });

  describe(PoliciesTestCommand.name, () => {
    it('runs the shipped tests: a summary line and exit 0', async () => {
      await new PoliciesTestCommand(config).run([], {});
      expect(out.join('')).toMatch(/^\d+ passed, 0 failed \(policy version [0-9a-f]{64}\)\n$/);
      expect(process.exitCode).toBeUndefined();
    });

    it('prints each failing case with expected and actual, and exits 1', async () => {
      await cp(SHIPPED, dir, { recursive: true });
      await writeFile(
        join(dir, 'tests', 'zz-wrong.yaml'),
        'cases:\n  - name: wrong on purpose\n    principal: { roles: [auditor], orgId: org-a }\n    action: delete\n    subject: Project\n    expect: allow\n',
      );
      await new PoliciesTestCommand(config).run([], { dir });
      const lines = out.join('').trim().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(/zz-wrong\.yaml:2: FAIL "wrong on purpose": expected allow, got deny \(decided by no matching rule/),
        expect.stringMatching(/^\d+ passed, 1 failed/),
      ]);
      expect(process.exitCode).toBe(1);
    });

    it('exits 1 without running tests when the set is invalid', async () => {
      await writeFile(join(dir, '10-bad.yaml'), 'rules: [');
      await new PoliciesTestCommand(config).run([], { dir });
      expect(out).toEqual([]);
      expect(err.join('')).toMatch(/YAML syntax error/);
      expect(process.exitCode).toBe(1);
    });
  });
});
