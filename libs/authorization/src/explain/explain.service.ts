import { Injectable } from '@nestjs/common';
import { AccessForbiddenException } from '@infergate/common';
import { SCOPES, type PolicyAction, type PolicySubject, type Principal, type Scope } from '@infergate/contracts';
import { AbilityCache } from '../ability/ability.cache';
import {
  buildAbility,
  createAppAbility,
  interpolateConditions,
  missingScopesOf,
  placeholderValues,
  ruleAppliesToRoles,
  ruleConcerns,
  toCaslRule,
} from '../ability/ability.factory';
import type { SubjectInstance } from '../ability/ability.types';

import { asSubject, decidingRuleOf, NO_ALLOW_RULE } from '../ability/decision';
import type { PolicyRule, PolicySet } from '../policy/policy.types';
import type { ExplainRequest, Explanation, MatchedRule } from './explain.dto';

/**
 * Answers "what would the policy decide, and why" for a principal described in the request, so that
 * admins can debug policies without reading logs. Auditors may only ask about their own organization.
 */
@Injectable()
export class ExplainService {
  constructor(private readonly abilities: AbilityCache) {}

  explain(caller: Principal, request: ExplainRequest): Explanation {
    assertMayExplain(caller, request);
    const principal = toPrincipal(request.principal);
    return explainDecision(this.abilities.current(), principal, request.action, request.subject, request.resource);
  }
}

/** The decision of `policy` for the principal, with every rule its roles bring for (action, subject). */
export function explainDecision(
  policy: PolicySet,
  principal: Principal,
  action: PolicyAction,
  subjectType: PolicySubject,
  resource?: Record<string, unknown>,
): Explanation {
  const ability = buildAbility(policy, principal);
  const target = resource === undefined ? subjectType : asSubject(subjectType, { ...resource });
  const allowed = ability.can(action, target);
  const decided = decidingRuleOf(ability, action, target);
  const decidingRule = decided === NO_ALLOW_RULE ? null : decided;
  const values = placeholderValues(principal);
  const missingScopes = new Set<Scope>();
  const matchedRules: MatchedRule[] = [];

  for (const rule of policy.rules) {
    if (!ruleConcerns(rule, action, subjectType) || !ruleAppliesToRoles(rule, principal)) continue;
    const interpolated = interpolateConditions(rule.conditions, values);
    if (!interpolated.ok) {
      matchedRules.push(entry(rule, false, `not applied: ${interpolated.unresolved} has no value for this principal`));
      continue;
    }
    const conditionsMatched = matchesAlone(rule, interpolated.conditions, action, target);
    const lacking = missingScopesOf(rule, principal);
    if (lacking.length > 0 && conditionsMatched && !allowed) lacking.forEach((scope) => missingScopes.add(scope));
    matchedRules.push(entry(rule, conditionsMatched, reasonFor(rule, { conditionsMatched, lacking, decidingRule, allowed, resource })));
  }

  return {
    decision: allowed ? 'allow' : 'deny',
    policyVersion: policy.version,
    decidingRule,
    matchedRules,
    missingScopes: [...missingScopes],
  };
}

/** Whether the rule alone matches the target (for a type alone: as CASL decides a type-level check). */
function matchesAlone(
  rule: PolicyRule,
  conditions: Parameters<typeof toCaslRule>[1],
  action: PolicyAction,
  target: PolicySubject | SubjectInstance,
): boolean {
  return createAppAbility([toCaslRule(rule, conditions)]).relevantRuleFor(action, target) !== null;
}

interface ReasonInput {
  conditionsMatched: boolean;
  lacking: Scope[];
  decidingRule: string | null;
  allowed: boolean;
  resource: Record<string, unknown> | undefined;
}

function reasonFor(rule: PolicyRule, input: ReasonInput): string {
  const fields = rule.fields ? ` (fields: ${rule.fields.join(', ')})` : '';
  if (input.lacking.length > 0) return `not applied: the token lacks the scope ${input.lacking.join(', ')}`;
  if (!input.conditionsMatched) {
    if (rule.fields && rule.effect === 'deny') return `field-level deny${fields}: hides fields, not the resource`;
    if (input.resource === undefined) return 'conditional deny: applies only to the resources that match it';
    return 'conditions do not match the resource';
  }
  const how = input.resource === undefined && rule.conditions ? 'may match some resources' : 'matched';
  if (rule.id === input.decidingRule) return `${how}; decided ${rule.effect}${fields}`;
  if (rule.effect === 'allow' && !input.allowed) return `${how}; overridden by ${input.decidingRule ?? 'a deny rule'}${fields}`;
  return `${how}${fields}`;
}

function entry(rule: PolicyRule, conditionsMatched: boolean, reason: string): MatchedRule {
  return { id: rule.id, effect: rule.effect, conditionsMatched, reason };
}

/** Platform admins may explain anything; anyone else only principals and resources of its own org. */
function assertMayExplain(caller: Principal, request: ExplainRequest): void {
  if (caller.roles.some((grant) => grant.role === 'platform-admin')) return;
  const org = caller.orgId;
  if (org === null || request.principal.orgId !== org) throw new AccessForbiddenException();
  if (request.resource === undefined) return;
  const resourceOrg = request.subject === 'Organization' ? (request.resource.id ?? request.resource.orgId) : request.resource.orgId;
  if (resourceOrg !== org) throw new AccessForbiddenException();
}

/** The principal the request describes; omitted scopes mean every scope, to explain roles alone. */
function toPrincipal(input: ExplainRequest['principal']): Principal {
  return {
    kind: 'user',
    subject: input.subject ?? 'explain',
    orgId: input.orgId,
    projectIds: input.projectIds ?? [],
    roles: input.roles.map((role) => ({ role, orgId: input.orgId, projectId: null })),
    scopes: input.scopes ?? [...SCOPES],
    clearance: input.clearance ?? 'public',
    allowedRegions: input.allowedRegions ?? [],
    allowedCidrs: [],
    authMethod: 'access_token',
  };
}
