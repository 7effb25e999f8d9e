import { createHash } from 'node:crypto';
import type { AuditEventEntity } from '../audit-event.entity';

/** prev_hash of the first event of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Every stored field except the hash itself, in the form the hash covers. */
export type HashedFields = Omit<AuditEventEntity, 'hash'>;

/**
 * The canonical form of an event: JSON with keys sorted at every level, `occurredAt` as an ISO-8601
 * UTC string, absent values as null. It covers every stored field (id, chain, seq and prev_hash
 * included), so changing, renumbering or relinking a row changes its hash.
 */
export function canonicalForm(event: HashedFields): string {
  return stableJson({
    action: event.action,
    actorId: event.actorId,
    actorType: event.actorType,
    chain: event.chain,
    details: event.details,
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    orgId: event.orgId,
    outcome: event.outcome,
    prevHash: event.prevHash,
    reason: event.reason,
    requestId: event.requestId,
    resourceId: event.resourceId,
    resourceType: event.resourceType,
    seq: event.seq,
  });
}

/** sha-256 hex of the canonical form. */
export function hashEvent(event: HashedFields): string {
  return createHash('sha256').update(canonicalForm(event), 'utf8').digest('hex');
}

function stableJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${stableJson(member)}`).join(',')}}`;
  }
  // JSON.stringify maps NaN and ±Infinity to null, as the stored JSON does.
  return JSON.stringify(value);
}
