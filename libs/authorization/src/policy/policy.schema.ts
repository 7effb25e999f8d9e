import { applyDecorators } from '@nestjs/common';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsDefined, IsIn, IsObject, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { POLICY_ACTIONS, POLICY_SUBJECTS, ROLES, SCOPES, type PolicyAction, type PolicySubject, type Scope } from '@infergate/contracts';
import { checkMapping, EachItem, type FileIssue, isMapping, IsOmittable } from '@infergate/validation';
import type { PolicyRule } from './policy.types';
import { oneOf, required, unknownItem } from './policy-schema-messages';

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const ID_MESSAGE = { message: 'id must be 1-128 of a-z, 0-9, ".", "_", "-", starting with a letter or digit' };
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const RULE_ROLES: readonly string[] = [...ROLES, '*'];
const EFFECTS = ['allow', 'deny'] as const;

const isRuleRole = (item: unknown): boolean => RULE_ROLES.includes(item as string);
const isAction = (item: unknown): boolean => (POLICY_ACTIONS as readonly unknown[]).includes(item);
const isScope = (item: unknown): boolean => (SCOPES as readonly unknown[]).includes(item);
const isFieldName = (item: unknown): boolean => typeof item === 'string' && FIELD_NAME.test(item);

/** A non-empty list without repeats (`what` names it in the messages). */
const listOf = (what: string) => [
  IsArray({ message: `${what} must be a list` }),
  ArrayNotEmpty({ message: `${what} must not be empty` }),
  ArrayUnique({ message: `${what} lists an entry twice` }),
];

/**
 * One rule as written in a policy file. Conditions are only shape-checked here (a mapping); their
 * field names, operators and placeholders are checked by validateConditions against the subject.
 */
export class PolicyRuleDto implements PolicyRule {
  @IsDefined(required('id'))
  @IsString(ID_MESSAGE)
  @Matches(RULE_ID, ID_MESSAGE)
  id!: string;

  @IsDefined(required('effect', EFFECTS))
  @IsIn(EFFECTS, oneOf('effect', EFFECTS))
  effect!: 'allow' | 'deny';

  @IsDefined(required('roles'))
  @applyDecorators(...listOf('roles'), EachItem('isPolicyRuleRole', isRuleRole, unknownItem('role', RULE_ROLES)))
  roles!: PolicyRule['roles'];

  @IsDefined(required('actions'))
  @applyDecorators(...listOf('actions'), EachItem('isPolicyRuleAction', isAction, unknownItem('action', POLICY_ACTIONS)))
  actions!: PolicyAction[];

  @IsDefined(required('subject', POLICY_SUBJECTS))
  @IsIn(POLICY_SUBJECTS, oneOf('subject', POLICY_SUBJECTS))
  subject!: PolicySubject;

  @IsOmittable()
  @IsObject({ message: 'conditions must be a mapping of resource field to condition' })
  conditions?: Record<string, unknown>;

  @IsOmittable()
  @applyDecorators(...listOf('fields'), EachItem('isPolicyRuleField', isFieldName, 'a field must be a property name'))
  fields?: string[];

  @IsOmittable()
  @applyDecorators(...listOf('scopes'), EachItem('isPolicyRuleScope', isScope, unknownItem('scope', SCOPES)))
  scopes?: Scope[];

  @IsOmittable()
  @IsString({ message: 'description must be a string' })
  @MinLength(1, { message: 'description must not be empty' })
  @MaxLength(500, { message: 'description must be at most 500 characters' })
  description?: string;
}

/** A policy file: a `rules:` list and nothing else (each rule is checked on its own, at its index). */
export class PolicyFileDto {
  @IsDefined(required('rules'))
  @IsArray({ message: 'rules must be a list' })
  rules!: unknown[];
}

/** Checks a parsed policy file's top level; its rules are checked one by one with validatePolicyRule(). */
export function validatePolicyFile(value: unknown): { ok: true; rules: unknown[] } | { ok: false; issues: FileIssue[] } {
  const issues = checkMapping(PolicyFileDto, value, [], 'a policy file is a mapping with one key, rules: (a list of rules)');
  return issues.length === 0 && isMapping(value) ? { ok: true, rules: value.rules as unknown[] } : { ok: false, issues };
}

/**
 * Checks one rule, found at `path`. Valid, it is used as written: nothing is converted and unknown keys
 * are refused, so the plain value is the rule.
 */
export function validatePolicyRule(raw: unknown, path: (string | number)[]): FileIssue[] {
  return checkMapping(PolicyRuleDto, raw, path, 'a rule is a mapping (id, effect, roles, actions, subject, …)');
}
