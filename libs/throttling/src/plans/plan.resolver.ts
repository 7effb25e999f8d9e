import { Inject, Injectable } from '@nestjs/common';
import type { PlanLimits, PlanSet } from '../rate-limit.types';
import { PLAN_SOURCE, type PlanSource, type PlanSubject } from './plan.types';

export type ResolvedLimits = PlanLimits & { plan: string };

/**
 * The limits that apply to a caller: the organization's plan (assigned by id, else by name, else the
 * default plan), then the project's override, then the application's (the most specific wins). A
 * rate limit or concurrency limit named in an override replaces the plan's; a quota merges per period.
 */
@Injectable()
export class PlanResolver {
  constructor(@Inject(PLAN_SOURCE) private readonly source: PlanSource) {}

  limitsFor(subject: PlanSubject): ResolvedLimits {
    return resolveLimits(this.source.current(), subject);
  }
}

export function resolveLimits(set: PlanSet, subject: PlanSubject): ResolvedLimits {
  const { assignments } = set;
  const name =
    (subject.orgId ? assignments.organizations[subject.orgId] : undefined) ??
    (subject.orgName ? assignments.organizations[subject.orgName] : undefined) ??
    assignments.defaultPlan;
  const plan = set.plans[name] ?? set.plans[assignments.defaultPlan];
  let limits: PlanLimits = { rateLimits: { ...plan.rateLimits }, quotas: { ...plan.quotas }, concurrency: { ...plan.concurrency } };
  const project = subject.projectId ? assignments.projects[subject.projectId] : undefined;
  if (project) limits = applyOverride(limits, project);
  const application = subject.applicationId ? assignments.applications[subject.applicationId] : undefined;
  if (application) limits = applyOverride(limits, application);
  return { plan: plan.name, ...limits };
}

function applyOverride(base: PlanLimits, override: Partial<PlanLimits>): PlanLimits {
  const quotas = { ...base.quotas };
  for (const [scope, quota] of Object.entries(override.quotas ?? {}) as [keyof PlanLimits['quotas'], { day?: number; month?: number }][]) {
    quotas[scope] = { ...quotas[scope], ...quota };
  }
  return {
    rateLimits: { ...base.rateLimits, ...override.rateLimits },
    quotas,
    concurrency: { ...base.concurrency, ...override.concurrency },
  };
}
