import { Inject, Injectable } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ProblemException, AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import { ACCESS_POLICY, type AccessPolicy, type PolicyAction, type PolicySubject, type Principal, SCOPES } from '@infergate/contracts';

/**
 * The operator CLI: a platform admin that is the gateway itself. It holds no privilege of its own:
 * like any caller it is checked against the policy set, whose platform-admin rules let it through.
 */
export const SYSTEM_PRINCIPAL: Principal = Object.freeze({
  kind: 'application',
  subject: 'system',
  orgId: null,
  projectIds: [],
  roles: [{ role: 'platform-admin', orgId: null, projectId: null }],
  scopes: [...SCOPES],
  clearance: 'restricted',
  allowedRegions: [],
  allowedCidrs: [],
  authMethod: 'system',
}) as Principal;

/** How a principal appears as the actor of an audit event. */
export function auditActorOf(principal: Principal): { type: 'system' | 'application' | 'user'; id: string } {
  return principal === SYSTEM_PRINCIPAL ? { type: 'system', id: 'cli' } : { type: principal.kind, id: principal.subject };
}

/**
 * The tenancy directory's door to the access policy (ACCESS_POLICY, implemented by the
 * authorization module from the policy set). It decides nothing itself: it checks loaded resource
 * instances, pushes the policy's conditions into list queries and trims responses to readable fields,
 * and answers in the directory's own problem types so that an unseen resource and a missing one
 * produce the same bytes.
 */
@Injectable()
export class TenancyAccess {
  constructor(@Inject(ACCESS_POLICY) private readonly policy: AccessPolicy) {}

  /**
   * Instance check on a loaded resource: 404 when the principal may not even read it (another
   * organization's answers exactly like a missing one), 403 when it may read but not `action` it.
   */
  assert(principal: Principal, action: PolicyAction, subject: PolicySubject, resource: object): void {
    try {
      this.policy.assert(principal, action, subject, resource);
    } catch (error) {
      // Same body as a resource that does not exist; the policy has audited the denial already.
      if (error instanceof ProblemException && error.status === 404) throw new ResourceNotFoundException();
      throw error;
    }
  }

  /**
   * For a resource about to be created (or the state a change would leave): 403 unless the principal
   * may `action` exactly this one. Its container was checked before, so a 404 would say nothing new.
   */
  assertMay(principal: Principal, action: PolicyAction, subject: PolicySubject, resource: object): void {
    if (!this.policy.can(principal, action, subject, resource)) throw new AccessForbiddenException();
  }

  /** Narrows a list query, in SQL, to the rows the principal may read: counts and pages follow. */
  restrict<T extends ObjectLiteral>(
    query: SelectQueryBuilder<T>,
    alias: string,
    principal: Principal,
    subject: PolicySubject,
  ): SelectQueryBuilder<T> {
    return this.policy.restrictQuery(query, alias, principal, 'read', subject);
  }

  /**
   * The view without the fields the principal may not read on this resource (field-level rules).
   * Response DTOs declare the fields a policy is expected to hide as optional.
   */
  readable<V extends object>(principal: Principal, subject: PolicySubject, resource: object, view: V): V {
    const fields = this.policy.readableFields(principal, subject, resource);
    if (fields === 'all') return view;
    const allowed = new Set(fields);
    return Object.fromEntries(Object.entries(view).filter(([field]) => allowed.has(field))) as V;
  }
}
