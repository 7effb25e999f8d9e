import type { PolicySubject } from '@infergate/contracts';
import {
  CONDITION_OPERATORS,
  LIST_OPERATORS,
  LIST_PLACEHOLDERS,
  POLICY_CONDITION_FIELDS,
  SCALAR_PLACEHOLDERS,
} from './policy-condition-fields';
import { PRINCIPAL_PLACEHOLDERS, type PrincipalPlaceholder } from './policy.types';

/** A problem found in a rule, located by a path relative to the rule. */
export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

const PLACEHOLDER = /^\$\{principal\.([A-Za-z]+)\}$/;

/** The placeholder a whole-string value names, if it is one. */
export function placeholderOf(value: unknown): PrincipalPlaceholder | undefined {
  if (typeof value !== 'string') return undefined;
  const name = PLACEHOLDER.exec(value)?.[1];
  return (PRINCIPAL_PLACEHOLDERS as readonly string[]).includes(name ?? '') ? (name as PrincipalPlaceholder) : undefined;
}

/**
 * Checks a rule's conditions against its subject: only allowlisted resource fields, only the listed
 * operators, values of the right shape, and placeholders only as a whole `${principal.<name>}` string
 * of the right kind (a list placeholder only under `$in`/`$nin`).
 */
export function validateConditions(subject: PolicySubject, conditions: Record<string, unknown>): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const allowed: readonly string[] = POLICY_CONDITION_FIELDS[subject];
  if (Object.keys(conditions).length === 0) issues.push({ path: ['conditions'], message: 'conditions must not be empty (omit them)' });
  for (const [field, value] of Object.entries(conditions)) {
    const path = ['conditions', field];
    if (field.startsWith('$')) {
      issues.push({ path, message: `operator "${field}" is not allowed here: conditions are field: value (no $and/$or)` });
    } else if (!allowed.includes(field)) {
      const fields = allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'it takes no conditions';
      issues.push({ path, message: `"${field}" is not a condition field of ${subject} (${fields})` });
    } else {
      issues.push(...validateFieldCondition(value, path));
    }
  }
  return issues;
}

function validateFieldCondition(value: unknown, path: (string | number)[]): RuleIssue[] {
  if (Array.isArray(value)) return [{ path, message: 'a list of values needs $in or $nin' }];
  if (value === null || typeof value !== 'object') return validateScalar(value, path);
  const entries = Object.entries(value);
  if (entries.length === 0) return [{ path, message: 'an operator object must not be empty' }];
  return entries.flatMap(([operator, operand]) => {
    const at = [...path, operator];
    if (!(CONDITION_OPERATORS as readonly string[]).includes(operator)) {
      return [{ path: at, message: `unknown operator "${operator}" (allowed: ${CONDITION_OPERATORS.join(', ')})` }];
    }
    return (LIST_OPERATORS as readonly string[]).includes(operator) ? validateList(operand, at) : validateScalar(operand, at);
  });
}

function validateList(value: unknown, path: (string | number)[]): RuleIssue[] {
  if (typeof value === 'string') {
    const placeholder = checkPlaceholder(value, path);
    if (placeholder.issue) return [placeholder.issue];
    if (placeholder.name && !(LIST_PLACEHOLDERS as readonly string[]).includes(placeholder.name)) {
      return [{ path, message: `"${value}" is a single value; $in/$nin need a list (${listPlaceholders()}) or a list of values` }];
    }
    if (placeholder.name) return [];
  }
  if (!Array.isArray(value)) return [{ path, message: `$in/$nin need a list of values or a list placeholder (${listPlaceholders()})` }];
  if (value.length === 0) return [{ path, message: 'an empty list matches nothing; omit the rule instead' }];
  return value.flatMap((item, index) => validateScalar(item, [...path, index]));
}

function validateScalar(value: unknown, path: (string | number)[]): RuleIssue[] {
  if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
    return [{ path, message: 'a condition value must be a string, number, boolean or null' }];
  }
  if (typeof value !== 'string') return [];
  const placeholder = checkPlaceholder(value, path);
  if (placeholder.issue) return [placeholder.issue];
  if (placeholder.name && !(SCALAR_PLACEHOLDERS as readonly string[]).includes(placeholder.name)) {
    return [{ path, message: `"${value}" is a list; use it under $in or $nin` }];
  }
  return [];
}

function checkPlaceholder(value: string, path: (string | number)[]): { name?: PrincipalPlaceholder; issue?: RuleIssue } {
  if (!value.includes('${')) return {};
  const name = placeholderOf(value);
  if (name) return { name };
  return {
    issue: {
      path,
      message: `bad placeholder "${value}": a placeholder is a whole value "\${principal.<name>}" with name one of ${PRINCIPAL_PLACEHOLDERS.join(', ')}`,
    },
  };
}

function listPlaceholders(): string {
  return LIST_PLACEHOLDERS.map((name) => `\${principal.${name}}`).join(', ');
}
