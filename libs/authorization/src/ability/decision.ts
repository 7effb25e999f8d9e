import { subject as asCaslSubject } from '@casl/ability';
import type { AuditService } from '@infergate/audit';
import type { PolicyAction, PolicySubject, Principal } from '@infergate/contracts';
import type { AppAbility, SubjectInstance } from './ability.types';

/** Recorded as the deciding rule when nothing allowed the action (deny by default). */
export const NO_ALLOW_RULE = 'no-allow-rule';

const SUBJECT_TYPE_KEY = '__caslSubjectType__';

/**
 * Tags a resource with its subject type for CASL. CASL stores the tag on the object itself (a hidden
 * property); an object already tagged with another type, or frozen, is checked through a copy.
 */
export function asSubject(type: PolicySubject, resource: object): SubjectInstance {
  const tagged = (resource as Record<string, unknown>)[SUBJECT_TYPE_KEY];
  if (tagged === type) return resource as SubjectInstance;
  if (tagged === undefined && Object.isExtensible(resource)) return asCaslSubject(type, resource as Record<string, unknown>);
  return asCaslSubject(type, { ...(resource as Record<string, unknown>) });
}

/** The id of the policy rule that decides `action` on the target: the matching deny, or NO_ALLOW_RULE. */
export function decidingRuleOf(ability: AppAbility, action: PolicyAction, target: PolicySubject | SubjectInstance): string | null {
  const rule = ability.relevantRuleFor(action, target);
  if (rule === null) return NO_ALLOW_RULE;
  return rule.reason ?? null;
}

/** The resource's id, when it has a scalar one, for the audit trail. */
export function resourceIdOf(resource: object | undefined): string | undefined {
  const id = (resource as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

export interface Denial {
  principal: Principal;
  action: PolicyAction;
  subject: PolicySubject;
  resourceId?: string;
  rule: string;
  policyVersion: string;
  status: 403 | 404;
  requestId?: string;
}

/** Every denial goes to the audit trail with the rule that decided it and the policy version. */
export function auditDenial(audit: Pick<AuditService, 'record'>, denial: Denial): void {
  void audit.record({
    action: 'authz.denied',
    outcome: 'denied',
    actor: { type: denial.principal.kind, id: denial.principal.subject },
    orgId: denial.principal.orgId ?? undefined,
    resource: { type: denial.subject, id: denial.resourceId },
    reason: denial.rule,
    requestId: denial.requestId,
    details: {
      action: denial.action,
      subject: denial.subject,
      resourceId: denial.resourceId ?? null,
      rule: denial.rule,
      policyVersion: denial.policyVersion,
      status: denial.status,
    },
  });
}
