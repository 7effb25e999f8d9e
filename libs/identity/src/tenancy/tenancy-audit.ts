import { Injectable } from '@nestjs/common';
import { AuditService } from '@infergate/audit';
import type { Principal } from '@infergate/contracts';
import { auditActorOf } from './tenancy-access';

export type AuditDetails = Record<string, string | number | boolean | null>;

/** Records every change of the tenancy directory. Never hand it a secret. */
@Injectable()
export class TenancyAudit {
  constructor(private readonly audit: AuditService) {}

  async changed(
    actor: Principal,
    action: string,
    resource: { type: string; id: string },
    orgId: string | null,
    details?: AuditDetails,
  ): Promise<void> {
    await this.audit.record({
      action,
      outcome: 'success',
      actor: auditActorOf(actor),
      orgId: orgId ?? undefined,
      resource,
      details,
    });
  }
}
