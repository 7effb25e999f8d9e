import type { AuditEventEntity } from '../audit-event.entity';

/** An audit event as the API and the NDJSON export show it. */
export interface AuditEventView {
  id: string;
  occurredAt: string;
  actor: { type: string; id: string | null };
  orgId: string | null;
  action: string;
  outcome: string;
  resource: { type: string; id: string | null } | null;
  reason: string | null;
  requestId: string | null;
  details: Record<string, string | number | boolean | null> | null;
  /** Hash-chain position, so a SIEM can verify what it ingests; null for events older than the chain. */
  chain: string | null;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
}

export function auditEventView(row: AuditEventEntity): AuditEventView {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actor: { type: row.actorType, id: row.actorId },
    orgId: row.orgId,
    action: row.action,
    outcome: row.outcome,
    resource: row.resourceType === null ? null : { type: row.resourceType, id: row.resourceId },
    reason: row.reason,
    requestId: row.requestId,
    details: row.details,
    chain: row.chain,
    seq: row.seq,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
