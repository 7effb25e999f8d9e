import { z } from 'zod';
import { CLEARANCES, POLICY_ACTIONS, POLICY_SUBJECTS, ROLES, SCOPES } from '@infergate/contracts';
import type { PolicyRule } from './policy.types';

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/;

function oneOf(kind: string, allowed: readonly string[]) {
  return (issue: { input?: unknown }) => `unknown ${kind} ${JSON.stringify(issue.input)} (expected one of ${allowed.join(', ')})`;
}

const nonEmptyUnique = <T extends z.ZodType<string>>(item: T, what: string) =>
  z
    .array(item)
    .min(1, { error: `${what} must not be empty` })
    .refine((list) => new Set(list).size === list.length, { error: `${what} lists an entry twice` });

/**
 * One rule as written in a policy file. Conditions are only shape-checked here (an object); their
 * field names, operators and placeholders are checked by validateConditions against the subject.
 */
export const policyRuleSchema = z.strictObject({
  id: z.string().regex(RULE_ID, { error: 'id must be 1-128 of a-z, 0-9, ".", "_", "-", starting with a letter or digit' }),
  effect: z.enum(['allow', 'deny'], { error: oneOf('effect', ['allow', 'deny']) }),
  roles: nonEmptyUnique(z.enum([...ROLES, '*'], { error: oneOf('role', [...ROLES, '*']) }), 'roles'),
  actions: nonEmptyUnique(z.enum(POLICY_ACTIONS, { error: oneOf('action', POLICY_ACTIONS) }), 'actions'),
  subject: z.enum(POLICY_SUBJECTS, { error: oneOf('subject', POLICY_SUBJECTS) }),
  conditions: z.record(z.string(), z.unknown(), { error: 'conditions must be a mapping of resource field to condition' }).optional(),
  fields: nonEmptyUnique(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, { error: 'a field must be a property name' }), 'fields').optional(),
  scopes: nonEmptyUnique(z.enum(SCOPES, { error: oneOf('scope', SCOPES) }), 'scopes').optional(),
  description: z.string().min(1).max(500).optional(),
}) satisfies z.ZodType<PolicyRule>;

/** A policy file: a `rules:` list and nothing else. */
export const policyFileSchema = z.strictObject({
  rules: z.array(z.unknown(), { error: 'rules must be a list' }),
});

/** The principal of a policy test case; omitted attributes take the least surprising default. */
export const testPrincipalSchema = z.strictObject({
  /** `role` (held in the principal's organization, or platform-wide for platform-admin) or `role@projectId`. */
  roles: z.array(
    z
      .string()
      .regex(/^[a-z-]+(@[^@\s]+)?$/, { error: 'a role is "role" or "role@projectId"' })
      .refine((value) => (ROLES as readonly string[]).includes(value.split('@')[0]), {
        error: (issue) => `unknown role in ${JSON.stringify(issue.input)} (expected one of ${ROLES.join(', ')})`,
      }),
  ),
  subject: z.string().min(1).optional(),
  kind: z.enum(['user', 'application']).optional(),
  orgId: z.string().min(1).nullable().optional(),
  projectIds: z.array(z.string().min(1)).optional(),
  /** Omitted: every scope (an unnarrowed token). */
  scopes: z.array(z.enum(SCOPES, { error: oneOf('scope', SCOPES) })).optional(),
  clearance: z.enum(CLEARANCES, { error: oneOf('clearance', CLEARANCES) }).optional(),
  allowedRegions: z.array(z.string().min(1)).optional(),
});

export const policyTestCaseSchema = z.strictObject({
  name: z.string().min(1),
  principal: testPrincipalSchema,
  action: z.enum(POLICY_ACTIONS, { error: oneOf('action', POLICY_ACTIONS) }),
  subject: z.enum(POLICY_SUBJECTS, { error: oneOf('subject', POLICY_SUBJECTS) }),
  /** The resource's properties; omitted, the case is a type-level check ("some instance"). */
  resource: z.record(z.string(), z.unknown()).optional(),
  /** A field of the resource, for field-level rules. */
  field: z.string().min(1).optional(),
  expect: z.enum(['allow', 'deny'], { error: oneOf('expectation', ['allow', 'deny']) }),
});

export const policyTestFileSchema = z.strictObject({
  cases: z.array(policyTestCaseSchema).min(1, { error: 'a test file needs at least one case' }),
});

export type PolicyTestCase = z.output<typeof policyTestCaseSchema>;
export type PolicyTestPrincipal = z.output<typeof testPrincipalSchema>;
