import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DatabaseService } from '@infergate/database';
import { AuditEventInput } from './audit-event';
import { AuditEventEntity } from './audit-event.entity';

/**
 * The one door through which every module records what happened. Recording never throws into the
 * caller's request: a failure to persist is logged (the durable spool arrives with the audit issue).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly database: DatabaseService) {}

  /** Persists the event and resolves with its id. */
  async record(event: AuditEventInput): Promise<string> {
    const id = randomUUID();
    try {
      await this.database.repository(AuditEventEntity).insert(toEntity(id, event));
    } catch (error) {
      this.logger.error({ event: 'audit.write_failed', auditEventId: id, action: event.action, err: error }, 'audit event not stored');
    }
    return id;
  }
}

function toEntity(id: string, event: AuditEventInput): AuditEventEntity {
  return {
    id,
    occurredAt: event.occurredAt ?? new Date(),
    actorType: event.actor.type,
    actorId: event.actor.id ?? null,
    orgId: event.orgId ?? null,
    action: event.action,
    resourceType: event.resource?.type ?? null,
    resourceId: event.resource?.id ?? null,
    outcome: event.outcome,
    reason: event.reason ?? null,
    requestId: event.requestId ?? null,
    details: event.details ?? null,
  };
}
