import { Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsDefined, IsIn, IsObject, IsOptional, IsString, MinLength, ValidateNested } from 'class-validator';
import {
  CLEARANCES,
  POLICY_ACTIONS,
  POLICY_SUBJECTS,
  ROLES,
  SCOPES,
  type Clearance,
  type PolicyAction,
  type PolicySubject,
  type Scope,
} from '@infergate/contracts';
import { checkMapping, EachItem, type FileIssue, isMapping, IsOmittable } from '@infergate/validation';
import { oneOf, required, unknownItem } from './policy-schema-messages';

/** The principal of a policy test case; omitted attributes take the least surprising default. */
export interface PolicyTestPrincipal {
  /** `role` (held in the principal's organization, or platform-wide for platform-admin) or `role@projectId`. */
  roles: string[];
  subject?: string;
  kind?: 'user' | 'application';
  orgId?: string | null;
  projectIds?: string[];
  /** Omitted: every scope (an unnarrowed token). */
  scopes?: Scope[];
  clearance?: Clearance;
  allowedRegions?: string[];
}

/** One case of a policy unit test file (policies/tests/*.yaml). */
export interface PolicyTestCase {
  name: string;
  principal: PolicyTestPrincipal;
  action: PolicyAction;
  subject: PolicySubject;
  /** The resource's properties; omitted, the case is a type-level check ("some instance"). */
  resource?: Record<string, unknown>;
  /** A field of the resource, for field-level rules. */
  field?: string;
  expect: 'allow' | 'deny';
}

const ROLE_GRANT = /^[a-z-]+(@[^@\s]+)?$/;
const KINDS = ['user', 'application'] as const;
const EXPECTATIONS = ['allow', 'deny'] as const;
const NON_EMPTY = (what: string) => ({ message: `${what} must be a non-empty string` });

const isRoleGrant = (item: unknown): boolean =>
  typeof item === 'string' && ROLE_GRANT.test(item) && (ROLES as readonly string[]).includes(item.split('@')[0]);
const roleGrantMessage = (item: unknown): string =>
  typeof item === 'string' && ROLE_GRANT.test(item)
    ? `unknown role in ${JSON.stringify(item)} (expected one of ${ROLES.join(', ')})`
    : 'a role is "role" or "role@projectId"';
const isScope = (item: unknown): boolean => (SCOPES as readonly unknown[]).includes(item);
const isNonEmptyString = (item: unknown): boolean => typeof item === 'string' && item.length > 0;

export class PolicyTestPrincipalDto implements PolicyTestPrincipal {
  @IsDefined(required('roles'))
  @IsArray({ message: 'roles must be a list' })
  @EachItem('isPolicyTestRoleGrant', isRoleGrant, roleGrantMessage)
  roles!: string[];

  @IsOmittable() @IsString(NON_EMPTY('subject')) @MinLength(1, NON_EMPTY('subject')) subject?: string;
  @IsOmittable() @IsIn(KINDS, oneOf('kind', KINDS)) kind?: 'user' | 'application';
  // null: a principal of no organization (platform-wide).
  @IsOptional() @IsString(NON_EMPTY('orgId')) @MinLength(1, NON_EMPTY('orgId')) orgId?: string | null;

  @IsOmittable()
  @IsArray({ message: 'projectIds must be a list' })
  @EachItem('isPolicyTestId', isNonEmptyString, 'must be a non-empty string')
  projectIds?: string[];

  @IsOmittable()
  @IsArray({ message: 'scopes must be a list' })
  @EachItem('isPolicyTestScope', isScope, unknownItem('scope', SCOPES))
  scopes?: Scope[];

  @IsOmittable() @IsIn(CLEARANCES, oneOf('clearance', CLEARANCES)) clearance?: Clearance;

  @IsOmittable()
  @IsArray({ message: 'allowedRegions must be a list' })
  @EachItem('isPolicyTestRegion', isNonEmptyString, 'must be a non-empty string')
  allowedRegions?: string[];
}

export class PolicyTestCaseDto implements PolicyTestCase {
  @IsDefined(required('name')) @IsString(NON_EMPTY('name')) @MinLength(1, NON_EMPTY('name')) name!: string;

  @IsDefined(required('principal'))
  @IsObject({ message: 'principal must be a mapping (roles, orgId, …)' })
  @ValidateNested({ message: 'principal must be a mapping (roles, orgId, …)' })
  @Type(() => PolicyTestPrincipalDto)
  principal!: PolicyTestPrincipalDto;

  @IsDefined(required('action')) @IsIn(POLICY_ACTIONS, oneOf('action', POLICY_ACTIONS)) action!: PolicyAction;
  @IsDefined(required('subject')) @IsIn(POLICY_SUBJECTS, oneOf('subject', POLICY_SUBJECTS)) subject!: PolicySubject;
  @IsOmittable() @IsObject({ message: 'resource must be a mapping of the resource properties' }) resource?: Record<string, unknown>;
  @IsOmittable() @IsString(NON_EMPTY('field')) @MinLength(1, NON_EMPTY('field')) field?: string;
  @IsDefined(required('expect', EXPECTATIONS)) @IsIn(EXPECTATIONS, oneOf('expectation', EXPECTATIONS)) expect!: 'allow' | 'deny';
}

/** A policy test file: a non-empty `cases:` list and nothing else (each case is checked at its index). */
export class PolicyTestFileDto {
  @IsDefined(required('cases'))
  @IsArray({ message: 'cases must be a list' })
  @ArrayNotEmpty({ message: 'a test file needs at least one case' })
  cases!: unknown[];
}

/**
 * Checks a parsed policy test file. Valid, its cases are used as written (nothing is converted,
 * unknown keys are refused).
 */
export function validatePolicyTestFile(value: unknown): { ok: true; cases: PolicyTestCase[] } | { ok: false; issues: FileIssue[] } {
  const issues = checkMapping(PolicyTestFileDto, value, [], 'a policy test file is a mapping with one key, cases: (a list of cases)');
  if (issues.length > 0 || !isMapping(value)) return { ok: false, issues };
  const cases = value.cases as unknown[];
  cases.forEach((raw, index) => {
    issues.push(
      ...checkMapping(PolicyTestCaseDto, raw, ['cases', index], 'a case is a mapping (name, principal, action, subject, expect, …)'),
    );
  });
  return issues.length === 0 ? { ok: true, cases: cases as PolicyTestCase[] } : { ok: false, issues };
}
