import { Injectable } from '@nestjs/common';
import { AuditService } from '@infergate/audit';
import { type Principal } from '@infergate/contracts';
import { SYSTEM_PRINCIPAL } from '@infergate/identity';

export type RegistryAuditDetails = Record<string, string | number | boolean | null>;

/** How a principal is named where the registry records who did something (aliases, transitions). */
export function actorName(principal: Principal): string {
  return principal === SYSTEM_PRINCIPAL ? 'system:cli' : `${principal.kind}:${principal.subject}`;
}

/** Records every registry change with who did it and, where the change needs one, why. Never hand it a secret. */
@Injectable()
export class RegistryAudit {
  constructor(private readonly audit: AuditService) {}

  async changed(
    actor: Principal,
    action: string,
    resource: { type: 'Model' | 'ModelVersion' | 'ModelAlias'; id: string },
    orgId: string,
    details?: RegistryAuditDetails,
    reason?: string,
  ): Promise<void> {
    await this.audit.record({
      action,
      outcome: 'success',
      actor: actor === SYSTEM_PRINCIPAL ? { type: 'system', id: 'cli' } : { type: actor.kind, id: actor.subject },
      orgId,
      resource,
      reason,
      details,
    });
  }
}
