import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@infergate/audit';
import { HotReloadedSet, type LoadResult, type ReloadAuditEvent } from '@infergate/common';
import type { PlanSet } from '../rate-limit.types';
import { loadPlanSet, PlanSetError } from './plan-set.loader';
import type { PlanSource } from './plan.types';
import { THROTTLING_OPTIONS, type ThrottlingModuleOptions } from '../throttling.options';

/**
 * The active plan set, read from `throttling.plansDir`: loaded at start (an invalid or missing set
 * stops the start), reloaded on file change and on SIGHUP; an invalid change never replaces the
 * valid set (see HotReloadedSet).
 */
@Injectable()
export class PlanStore extends HotReloadedSet<PlanSet> implements PlanSource {
  constructor(
    @Inject(THROTTLING_OPTIONS) options: ThrottlingModuleOptions,
    private readonly auditService: AuditService,
  ) {
    super({
      eventPrefix: 'throttling.plans',
      label: 'plan set',
      directory: options.plansDir,
      // Plans and policies are configuration as code side by side: one switch watches both.
      watchFiles: options.watchPlans,
    });
  }

  protected load(directory: string): Promise<LoadResult<PlanSet>> {
    return loadPlanSet(directory);
  }

  protected startupError(problems: string[]): Error {
    return new PlanSetError(problems, `plan set in ${this.options.directory}`);
  }

  protected summary(set: PlanSet): Record<string, number> {
    return { plans: Object.keys(set.plans).length };
  }

  protected async audit(event: ReloadAuditEvent): Promise<void> {
    await this.auditService.record({
      action: event.action,
      outcome: event.outcome,
      actor: { type: 'system', id: 'plan-store' },
      resource: { type: 'PlanSet', id: event.resourceId },
      reason: event.reason,
      details: event.details,
    });
  }
}
