import { Injectable } from '@nestjs/common';
import type { Principal } from '../principal';
import { SCOPES } from './tenancy.types';
import { TenancyForbiddenException, TenancyNotFoundException } from './tenancy.errors';

/** Organizations a caller may see or change: every one, or a list (possibly empty). */
export type OrgScope = 'all' | string[];

/** The operator CLI: a platform admin that is the gateway itself. */
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
 * Who may administer what in the tenancy directory, in one place until the authorization module's
 * CASL abilities replace it: a platform admin administers every organization; an org admin only its
 * own; an auditor reads its own. Anything outside the caller's reach answers 404, like a missing one.
 */
@Injectable()
export class TenancyAccess {
  isPlatformAdmin(principal: Principal): boolean {
    return principal.roles.some((grant) => grant.role === 'platform-admin');
  }

  /** Organizations the principal may read (`read`) or administer (`write`); filters list queries. */
  orgScope(principal: Principal, mode: 'read' | 'write'): OrgScope {
    if (this.isPlatformAdmin(principal)) return 'all';
    const own = principal.orgId;
    if (!own) return [];
    const roles = mode === 'write' ? ['org-admin'] : ['org-admin', 'auditor'];
    const held = principal.roles.some((grant) => roles.includes(grant.role) && grant.orgId === own && grant.projectId === null);
    return held ? [own] : [];
  }

  canRead(principal: Principal, orgId: string): boolean {
    return includes(this.orgScope(principal, 'read'), orgId);
  }

  canWrite(principal: Principal, orgId: string): boolean {
    return includes(this.orgScope(principal, 'write'), orgId);
  }

  /** Throws 404 when the organization is out of the caller's sight, 403 when only readable. */
  assertCanRead(principal: Principal, orgId: string): void {
    if (!this.canRead(principal, orgId)) throw new TenancyNotFoundException();
  }

  assertCanWrite(principal: Principal, orgId: string): void {
    this.assertCanRead(principal, orgId);
    if (!this.canWrite(principal, orgId)) throw new TenancyForbiddenException();
  }

  /** Creating, changing or disabling organizations themselves, and granting platform-admin. */
  assertPlatformAdmin(principal: Principal): void {
    if (!this.isPlatformAdmin(principal)) throw new TenancyForbiddenException();
  }
}

function includes(scope: OrgScope, orgId: string): boolean {
  return scope === 'all' || scope.includes(orgId);
}
