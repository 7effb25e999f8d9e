import { Injectable, Optional } from '@nestjs/common';
import { AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import { permittedFieldsOf, rulesToQuery } from '@casl/ability/extra';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AuditService } from '@infergate/audit';
import { GatewayMetrics } from '@infergate/observability';
import type { AccessPolicy, PolicyAction, PolicySubject, Principal } from '@infergate/contracts';
import { AbilityCache } from './ability.cache';
import type { AppAbility } from './ability.types';

import { asSubject, auditDenial, decidingRuleOf, resourceIdOf } from './decision';
import { andWhereMongoQuery } from './typeorm-conditions';

/**
 * The AccessPolicy port (ACCESS_POLICY) implemented with CASL abilities compiled from the active
 * policy set and cached per principal.
 */
@Injectable()
export class CaslAccessPolicy implements AccessPolicy {
  constructor(
    private readonly abilities: AbilityCache,
    private readonly audit: AuditService,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  can(principal: Principal, action: PolicyAction, subjectType: PolicySubject, resource?: object): boolean {
    const { ability } = this.abilities.forPrincipal(principal);
    return ability.can(action, resource === undefined ? subjectType : asSubject(subjectType, resource));
  }

  assert(principal: Principal, action: PolicyAction, subjectType: PolicySubject, resource: object): void {
    const { ability, policy } = this.abilities.forPrincipal(principal);
    const target = asSubject(subjectType, resource);
    if (ability.can(action, target)) return;

    // Not even readable: answer like a missing resource, so other organizations' ids cannot be probed.
    const readable = action !== 'read' && ability.can('read', target);
    const decidingAction = readable ? action : 'read';
    const rule = decidingRuleOf(ability, decidingAction, target) ?? 'unknown';
    this.metrics?.authorizationDenials.labels(subjectType, action, rule).inc();
    auditDenial(this.audit, {
      principal,
      action,
      subject: subjectType,
      resourceId: resourceIdOf(resource),
      rule,
      policyVersion: policy.version,
      status: readable ? 403 : 404,
    });
    throw readable ? new AccessForbiddenException() : new ResourceNotFoundException();
  }

  restrictQuery<T extends ObjectLiteral>(
    query: SelectQueryBuilder<T>,
    alias: string,
    principal: Principal,
    action: PolicyAction,
    subjectType: PolicySubject,
  ): SelectQueryBuilder<T> {
    return restrictQueryByAbility(query, alias, this.abilities.forPrincipal(principal).ability, action, subjectType);
  }

  readableFields(principal: Principal, subjectType: PolicySubject, resource: object): string[] | 'all' {
    return readableFieldsByAbility(this.abilities.forPrincipal(principal).ability, subjectType, resource);
  }
}

/**
 * Narrows `query` to the rows `ability` may `action`, in SQL. Allowed rules are ORed, deny rules
 * ANDed as `$nor`; with deny rules compiled last (buildAbility) this is exactly what `can()` decides
 * per row. No rule: `1 = 0`; an unconditional allow and no deny: no clause at all.
 */
export function restrictQueryByAbility<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  ability: AppAbility,
  action: PolicyAction,
  subjectType: PolicySubject,
): SelectQueryBuilder<T> {
  const mongoQuery = rulesToQuery(ability, action, subjectType, (rule) => (rule.inverted ? { $nor: [rule.conditions] } : rule.conditions));
  if (mongoQuery === null) return query.andWhere('1 = 0');
  if (Object.keys(mongoQuery).length === 0) return query;
  return andWhereMongoQuery(query, alias, mongoQuery);
}

/**
 * The fields of the resource `ability` may read: `'all'` when no rule that matches the resource names
 * fields, otherwise the allowed fields minus the denied ones (a rule without fields stands for every
 * property of the resource). Nothing when it may not read the resource at all.
 */
export function readableFieldsByAbility(ability: AppAbility, subjectType: PolicySubject, resource: object): string[] | 'all' {
  const target = asSubject(subjectType, resource);
  const restricted = ability
    .possibleRulesFor('read', subjectType)
    .some((rule) => rule.fields !== undefined && rule.matchesConditions(target));
  if (!restricted) return ability.can('read', target) ? 'all' : [];
  const every = Object.keys(resource);
  return permittedFieldsOf(ability, 'read', target, { fieldsFrom: (rule) => rule.fields ?? every });
}
