import { Inject, Injectable } from '@nestjs/common';
import { ResourceNotFoundException } from '@infergate/common';
import { ACCESS_POLICY, type AccessPolicy, type Principal } from '@infergate/contracts';
import { limitKeys } from '../guard/charges';
import { OrganizationNames } from '../guard/organization-names';
import { nextPeriodStart } from '../guard/rate-limit.errors';
import { PlanResolver } from '../plans';
import { RATE_LIMIT_STORE, type PlanLimits, type RateLimitStore } from '../rate-limit.types';

export interface QuotaUsage {
  scope: 'organization' | 'application';
  period: 'day' | 'month';
  limit: number;
  used: number;
  remaining: number;
  resetsAt: string;
}

export interface UsageReport {
  orgId: string;
  applicationId?: string;
  plan: string;
  quotas: QuotaUsage[];
  rateLimits: PlanLimits['rateLimits'];
  concurrency: PlanLimits['concurrency'];
}

/** GET /v1/usage: a caller's own consumption, or (for its admins) an organization's. */
@Injectable()
export class UsageService {
  constructor(
    private readonly plans: PlanResolver,
    private readonly organizations: OrganizationNames,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(ACCESS_POLICY) private readonly access: AccessPolicy,
  ) {}

  /** The caller's own application (if it is one) and organization. */
  async own(principal: Principal): Promise<UsageReport> {
    if (!principal.orgId) throw new ResourceNotFoundException();
    const applicationId = principal.kind === 'application' ? principal.subject : undefined;
    this.access.assert(principal, 'read', 'Usage', { orgId: principal.orgId, applicationId: principal.subject });
    return this.report(principal.orgId, applicationId, principal.projectIds[0]);
  }

  /** An organization's usage; another organization's answers exactly like a missing one (404). */
  async ofOrganization(principal: Principal, orgId: string): Promise<UsageReport> {
    this.access.assert(principal, 'read', 'Usage', { orgId, applicationId: undefined });
    return this.report(orgId, undefined, undefined);
  }

  private async report(orgId: string, applicationId: string | undefined, projectId: string | undefined): Promise<UsageReport> {
    const orgName = await this.organizations.nameOf(orgId);
    if (orgName === null) throw new ResourceNotFoundException();
    const limits = this.plans.limitsFor({
      orgId,
      orgName,
      ...(applicationId ? { applicationId } : {}),
      ...(projectId ? { projectId } : {}),
    });
    const wanted: { scope: 'organization' | 'application'; id: string; period: 'day' | 'month'; limit: number }[] = [];
    for (const [scope, id] of [
      ['application', applicationId],
      ['organization', orgId],
    ] as const) {
      const quota = limits.quotas[scope];
      if (!id || !quota) continue;
      for (const period of ['day', 'month'] as const) {
        const limit = quota[period];
        if (limit !== undefined) wanted.push({ scope, id, period, limit });
      }
    }
    const used = await this.store.quotaUsage(wanted.map((q) => ({ key: limitKeys.quota(q.scope, q.id, q.period), period: q.period })));
    const now = new Date();
    return {
      orgId,
      ...(applicationId ? { applicationId } : {}),
      plan: limits.plan,
      quotas: wanted.map((q, i) => ({
        scope: q.scope,
        period: q.period,
        limit: q.limit,
        used: used[i] ?? 0,
        remaining: Math.max(0, q.limit - (used[i] ?? 0)),
        resetsAt: nextPeriodStart(q.period, now).toISOString(),
      })),
      rateLimits: limits.rateLimits,
      concurrency: limits.concurrency,
    };
  }
}
