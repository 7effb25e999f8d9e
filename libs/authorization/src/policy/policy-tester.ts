import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { subject as asSubject } from '@casl/ability';
import { SCOPES, type Principal, type RoleGrant, type Role } from '@infergate/contracts';
import { buildAbility } from '../ability/ability.factory';
import { YamlSource } from '@infergate/common';
import { inFileOrder } from '@infergate/validation';
import { validatePolicyTestFile, type PolicyTestCase, type PolicyTestPrincipal } from './policy-test.schema';
import type { PolicySet } from './policy.types';

/** A test case and where it was written. */
export interface LocatedPolicyTestCase extends PolicyTestCase {
  file: string;
  line: number;
}

export interface PolicyTestResult {
  testCase: LocatedPolicyTestCase;
  actual: 'allow' | 'deny';
  passed: boolean;
  /** The policy rule that decided (CASL's relevant rule), if any; none means denied by default. */
  decidedBy?: string;
}

export interface PolicyTestReport {
  results: PolicyTestResult[];
  passed: number;
  failed: number;
}

/** Where the policy unit tests of a policy directory live. */
export function policyTestDirectory(policyDir: string): string {
  return join(policyDir, 'tests');
}

/** Reads `dir/*.yaml` as policy test files; problems are one line each (file:line, path, message). */
export async function loadPolicyTests(dir: string): Promise<{ cases: LocatedPolicyTestCase[]; problems: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    return { cases: [], problems: [`${dir}: cannot read the policy tests (${(error as NodeJS.ErrnoException).code ?? String(error)})`] };
  }
  if (names.length === 0) return { cases: [], problems: [`${dir}: no policy test files (*.yaml)`] };
  const cases: LocatedPolicyTestCase[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const source = YamlSource.parse(join(dir, name), await readFile(join(dir, name), 'utf8'));
    if (source.syntaxErrors.length > 0) {
      problems.push(...source.syntaxErrors);
      continue;
    }
    const parsed = validatePolicyTestFile(source.value ?? null);
    if (!parsed.ok) {
      problems.push(...inFileOrder(source, parsed.issues).map((issue) => source.problem(issue.path, issue.message)));
      continue;
    }
    parsed.cases.forEach((testCase, index) => cases.push({ ...testCase, file: source.file, line: source.lineOf(['cases', index]) }));
  }
  return { cases, problems };
}

/** The principal a test case describes: `role` is held in the principal's org, `role@p` in project p. */
export function principalOf(spec: PolicyTestPrincipal): Principal {
  const orgId = spec.orgId ?? null;
  const roles: RoleGrant[] = spec.roles.map((entry) => {
    const [role, projectId] = entry.split('@') as [Role, string | undefined];
    return { role, orgId: role === 'platform-admin' ? null : orgId, projectId: projectId ?? null };
  });
  const grantProjects = roles.map((grant) => grant.projectId).filter((id): id is string => id !== null);
  return {
    kind: spec.kind ?? 'application',
    subject: spec.subject ?? 'policy-test-principal',
    orgId,
    projectIds: spec.projectIds ?? [...new Set(grantProjects)],
    roles,
    scopes: spec.scopes ?? [...SCOPES],
    clearance: spec.clearance ?? 'public',
    allowedRegions: spec.allowedRegions ?? [],
    allowedCidrs: [],
    authMethod: 'access_token',
  };
}

/**
 * Runs policy unit tests against a policy set with the gateway's own ability construction
 * (buildAbility), so that a passing test means the gateway decides the same way.
 */
export class PolicyTester {
  evaluate(set: PolicySet, testCase: PolicyTestCase): { decision: 'allow' | 'deny'; decidedBy?: string } {
    const ability = buildAbility(set, principalOf(testCase.principal));
    const target = testCase.resource ? asSubject(testCase.subject, { ...testCase.resource }) : testCase.subject;
    const allowed = ability.can(testCase.action, target, testCase.field);
    const rule = ability.relevantRuleFor(testCase.action, target, testCase.field);
    return { decision: allowed ? 'allow' : 'deny', ...(rule?.reason ? { decidedBy: rule.reason } : {}) };
  }

  run(set: PolicySet, cases: readonly LocatedPolicyTestCase[]): PolicyTestReport {
    const results = cases.map((testCase) => {
      const { decision, decidedBy } = this.evaluate(set, testCase);
      return { testCase, actual: decision, passed: decision === testCase.expect, ...(decidedBy ? { decidedBy } : {}) };
    });
    const passed = results.filter((result) => result.passed).length;
    return { results, passed, failed: results.length - passed };
  }
}

/** One line for a failed case: where it is, what was expected, what happened and which rule decided. */
export function describeFailure(result: PolicyTestResult): string {
  const { testCase } = result;
  const by = result.decidedBy ? `rule "${result.decidedBy}"` : 'no matching rule (deny by default)';
  return `${testCase.file}:${testCase.line}: FAIL "${testCase.name}": expected ${testCase.expect}, got ${result.actual} (decided by ${by})`;
}
