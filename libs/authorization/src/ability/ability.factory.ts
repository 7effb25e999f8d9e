import { buildMongoQueryMatcher, createMongoAbility, type MongoQuery, type RawRuleOf } from '@casl/ability';
import { CLEARANCES, type PolicyAction, type PolicySubject, type Principal, type Scope } from '@infergate/contracts';
import { POLICY_CONDITION_FIELDS } from '../policy/policy-condition-fields';
import { PRINCIPAL_PLACEHOLDERS, type PolicyRule, type PolicySet, type PrincipalPlaceholder } from '../policy/policy.types';
import type { AppAbility } from './ability.types';

export interface BuildAbilityOptions {
  /**
   * Compile allow rules as if the token carried every scope: tells whether more scopes would help
   * (insufficient_scope rather than a plain 403) and what an explanation should say.
   */
  ignoreScopes?: boolean;
}

type PlaceholderValues = Record<PrincipalPlaceholder, unknown>;

/** The result of interpolating a rule's conditions: absent, resolved, or naming the unset attribute. */
type Interpolated = { ok: true; conditions: MongoQuery | undefined } | { ok: false; unresolved: string };

const PLACEHOLDER = /^\$\{principal\.([A-Za-z]+)\}$/;
const KNOWN_PLACEHOLDERS = new Set<string>(PRINCIPAL_PLACEHOLDERS);

/** Neither equal, less nor greater: every ucast operator tests for 0, 1 or -1 exactly. */
const INCOMPARABLE = Number.NaN as 0;

/**
 * null and undefined are equal to each other and comparable to nothing else, as in SQL where a NULL
 * column never satisfies `=`, `<` or `>`. CASL's default would call `null < 5` true, and `can()`
 * would then disagree with `restrictQuery()`. Dates compare by time, as in CASL's default.
 */
function compareLikeSql(a: unknown, b: unknown): 0 | 1 | -1 {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (x === null || x === undefined || y === null || y === undefined) {
    return (x === null || x === undefined) && (y === null || y === undefined) ? 0 : INCOMPARABLE;
  }
  if (x === y) return 0;
  const left = x as number | string;
  const right = y as number | string;
  return left > right ? 1 : left < right ? -1 : INCOMPARABLE;
}

const conditionsMatcher = buildMongoQueryMatcher({}, {}, { compare: compareLikeSql });

/** True when the rule names a role the principal holds (in any organization or project) or `'*'`. */
export function ruleAppliesToRoles(rule: PolicyRule, principal: Pick<Principal, 'roles'>): boolean {
  for (const role of rule.roles) {
    if (role === '*' || principal.roles.some((grant) => grant.role === role)) return true;
  }
  return false;
}

/**
 * Where an allow rule reaches for this principal: everywhere its conditions allow (`'all'`: the rule
 * names `'*'`, or the principal holds one of its roles platform- or organization-wide), or only the
 * projects in which it holds one of the rule's roles (a role bound to a project gives nothing beyond it).
 */
export function ruleReach(rule: PolicyRule, principal: Pick<Principal, 'roles'>): 'all' | string[] {
  if (rule.roles.includes('*')) return 'all';
  const projects: string[] = [];
  for (const grant of principal.roles) {
    if (!(rule.roles as string[]).includes(grant.role)) continue;
    if (grant.projectId === null) return 'all';
    projects.push(grant.projectId);
  }
  return projects;
}

/**
 * Narrows an allow rule's conditions to `projects`: on the project itself (`id`) or on the resource's
 * `projectId`. Undefined when the subject has no project, so the rule does not apply at all.
 */
export function narrowToProjects(rule: PolicyRule, conditions: MongoQuery | undefined, projects: string[]): MongoQuery | undefined {
  const fields: readonly string[] = POLICY_CONDITION_FIELDS[rule.subject];
  const field = rule.subject === 'Project' ? 'id' : fields.includes('projectId') ? 'projectId' : undefined;
  if (!field) return undefined;
  // The matcher knows no $and: the narrowing joins the field's own condition (operators are ANDed).
  const existing = conditions?.[field];
  let narrowed: unknown = { $in: projects };
  if (existing !== undefined) {
    if (existing === null || typeof existing !== 'object' || Array.isArray(existing)) {
      if (!projects.includes(existing as string)) return undefined;
      narrowed = existing;
    } else {
      const operators = existing as Record<string, unknown>;
      const inList = Array.isArray(operators.$in) ? projects.filter((p) => (operators.$in as unknown[]).includes(p)) : projects;
      narrowed = { ...operators, $in: inList };
    }
  }
  return { ...(conditions ?? {}), [field]: narrowed };
}

/** The scopes an allow rule requires that the token does not carry (none for deny rules). */
export function missingScopesOf(rule: PolicyRule, principal: Pick<Principal, 'scopes'>): Scope[] {
  if (rule.effect !== 'allow' || !rule.scopes) return [];
  return rule.scopes.filter((scope) => !principal.scopes.includes(scope));
}

/** True when the rule speaks about this action on this subject type. */
export function ruleConcerns(rule: PolicyRule, action: PolicyAction, subjectType: PolicySubject): boolean {
  return rule.subject === subjectType && rule.actions.includes(action);
}

/** Every clearance level up to and including the principal's. */
export function clearanceLevelsOf(principal: Pick<Principal, 'clearance'>): string[] {
  const index = CLEARANCES.indexOf(principal.clearance);
  return index < 0 ? [] : CLEARANCES.slice(0, index + 1);
}

export function placeholderValues(principal: Principal): PlaceholderValues {
  return {
    subject: principal.subject,
    orgId: principal.orgId,
    projectIds: principal.projectIds,
    clearanceLevels: clearanceLevelsOf(principal),
    allowedRegions: principal.allowedRegions,
  };
}

/**
 * Replaces every `"${principal.<name>}"` string in the conditions by the principal's attribute. A
 * placeholder whose value is null or undefined (a platform admin has no org), an unknown one, or a
 * placeholder embedded in a longer string leaves the rule unresolved: it must not apply rather than
 * match everything.
 */
export function interpolateConditions(conditions: Record<string, unknown> | undefined, values: PlaceholderValues): Interpolated {
  if (conditions === undefined) return { ok: true, conditions: undefined };
  let unresolved: string | undefined;
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      const name = PLACEHOLDER.exec(value)?.[1];
      const resolved = name !== undefined && KNOWN_PLACEHOLDERS.has(name) ? values[name as PrincipalPlaceholder] : undefined;
      if (resolved === null || resolved === undefined) unresolved ??= value;
      return resolved;
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = visit(inner);
      return out;
    }
    return value;
  };
  const conditions_ = visit(conditions) as MongoQuery;
  return unresolved === undefined ? { ok: true, conditions: conditions_ } : { ok: false, unresolved };
}

/** The CASL rule a policy rule becomes for a principal; the policy rule id travels as `reason`. */
export function toCaslRule(rule: PolicyRule, conditions: MongoQuery | undefined): RawRuleOf<AppAbility> {
  return {
    action: [...rule.actions],
    subject: rule.subject,
    inverted: rule.effect === 'deny',
    reason: rule.id,
    ...(conditions !== undefined ? { conditions } : {}),
    ...(rule.fields !== undefined ? { fields: [...rule.fields] } : {}),
  };
}

/** A CASL ability over raw rules, with the SQL-compatible conditions matcher. */
export function createAppAbility(rules: RawRuleOf<AppAbility>[]): AppAbility {
  return createMongoAbility<AppAbility>(rules, { conditionsMatcher });
}

/**
 * Compiles a principal's ability from the policy set: the rules of its roles (or `'*'`), allow rules
 * only when the token carries every scope they require (a token narrows, never widens) and, for a
 * role held only in some projects, only within those projects; conditions interpolated with the
 * principal's attributes. All allow rules come first and all deny rules last:
 * CASL lets the last matching rule decide, so deny wins whatever the order in the files.
 */
export function buildAbility(set: PolicySet, principal: Principal, options: BuildAbilityOptions = {}): AppAbility {
  const values = placeholderValues(principal);
  const allows: RawRuleOf<AppAbility>[] = [];
  const denies: RawRuleOf<AppAbility>[] = [];
  for (const rule of set.rules) {
    if (!ruleAppliesToRoles(rule, principal)) continue;
    if (!options.ignoreScopes && missingScopesOf(rule, principal).length > 0) continue;
    const interpolated = interpolateConditions(rule.conditions, values);
    if (!interpolated.ok) continue;
    if (rule.effect === 'deny') {
      denies.push(toCaslRule(rule, interpolated.conditions));
      continue;
    }
    const reach = ruleReach(rule, principal);
    if (reach === 'all') {
      allows.push(toCaslRule(rule, interpolated.conditions));
      continue;
    }
    const narrowed = narrowToProjects(rule, interpolated.conditions, reach);
    if (narrowed) allows.push(toCaslRule(rule, narrowed));
  }
  return createAppAbility(allows.concat(denies));
}

/**
 * When the principal may not `action` the subject type but would with more token scopes, the scopes
 * of the allow rule that needs the fewest more (RFC 6750 insufficient_scope); otherwise null.
 */
export function scopesThatWouldAllow(
  set: PolicySet,
  principal: Principal,
  action: PolicyAction,
  subjectType: PolicySubject,
): Scope[] | null {
  if (!buildAbility(set, principal, { ignoreScopes: true }).can(action, subjectType)) return null;
  const values = placeholderValues(principal);
  let best: { rule: PolicyRule; missing: number } | undefined;
  for (const rule of set.rules) {
    if (rule.effect !== 'allow' || !ruleConcerns(rule, action, subjectType) || !ruleAppliesToRoles(rule, principal)) continue;
    const missing = missingScopesOf(rule, principal).length;
    if (missing === 0 || !interpolateConditions(rule.conditions, values).ok) continue;
    if (!best || missing < best.missing) best = { rule, missing };
  }
  return best?.rule.scopes ? [...best.rule.scopes] : null;
}
