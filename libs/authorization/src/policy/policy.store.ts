import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@infergate/audit';
import { HotReloadedSet, type LoadResult, type ReloadAuditEvent } from '@infergate/common';
import { loadPolicySet, PolicySetError } from './policy-set.loader';
import type { PolicySet, PolicySource } from './policy.types';
import { AUTHORIZATION_OPTIONS, type AuthorizationOptions } from '../authorization.options';

/**
 * The active policy set, read from `authorization.policyDir`: loaded at start (an invalid or missing
 * set stops the start), reloaded on file change (when `authorization.watchPolicies`) and on SIGHUP;
 * an invalid change never replaces the valid set (see HotReloadedSet).
 */
@Injectable()
export class PolicyStore extends HotReloadedSet<PolicySet> implements PolicySource {
  constructor(
    @Inject(AUTHORIZATION_OPTIONS) options: AuthorizationOptions,
    private readonly auditService: AuditService,
  ) {
    super({
      eventPrefix: 'authz.policy',
      label: 'policy set',
      directory: options.policyDir,
      watchFiles: options.watchPolicies,
    });
  }

  protected load(directory: string): Promise<LoadResult<PolicySet>> {
    return loadPolicySet(directory);
  }

  protected startupError(problems: string[]): Error {
    return new PolicySetError(problems, `policy set in ${this.options.directory}`);
  }

  protected summary(set: PolicySet): Record<string, number> {
    return { rules: set.rules.length };
  }

  protected async audit(event: ReloadAuditEvent): Promise<void> {
    await this.auditService.record({
      action: event.action,
      outcome: event.outcome,
      actor: { type: 'system', id: 'policy-store' },
      resource: { type: 'Policy', id: event.resourceId },
      reason: event.reason,
      details: event.details,
    });
  }
}
