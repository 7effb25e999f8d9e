import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditEventInput } from '../audit-event';
import type { AuditEventEntity } from '../audit-event.entity';
import { GENESIS_HASH, hashEvent } from './canonical-event';

/** Column widths of audit_events: values are cut to fit so that a batch can never be refused for its data. */
const LIMITS = {
  actorType: 32,
  actorId: 255,
  orgId: 64,
  action: 128,
  resourceType: 64,
  resourceId: 255,
  outcome: 16,
  reason: 255,
  requestId: 128,
} as const;

/**
 * One hash chain: this process's. Chains are per process (a random id at start) rather than global
 * or per organization: replicas never read or lock a shared "last hash", the chain is defined in
 * memory before anything is persisted (so events can be spooled while the database is away), and a
 * process start needs no database round trip. Verification walks each chain on its own.
 */
export class AuditChain {
  readonly id: string;
  private seq = 0;
  private lastHash = GENESIS_HASH;

  constructor(id = newChainId()) {
    this.id = id;
  }

  /** The next event of the chain, hashed; sequence and link are fixed here, in call order. */
  append(event: AuditEventInput, id: string = randomUUID()): AuditEventEntity {
    const occurredAt = event.occurredAt && !Number.isNaN(event.occurredAt.getTime()) ? event.occurredAt : new Date();
    this.seq += 1;
    const fields = {
      id,
      occurredAt: new Date(occurredAt.getTime()),
      actorType: fit(event.actor.type, LIMITS.actorType) as AuditEventEntity['actorType'],
      actorId: fitOrNull(event.actor.id, LIMITS.actorId),
      orgId: fitOrNull(event.orgId, LIMITS.orgId),
      action: fit(event.action, LIMITS.action),
      resourceType: fitOrNull(event.resource?.type, LIMITS.resourceType),
      resourceId: fitOrNull(event.resource?.id, LIMITS.resourceId),
      outcome: fit(event.outcome, LIMITS.outcome) as AuditEventEntity['outcome'],
      reason: fitOrNull(event.reason, LIMITS.reason),
      requestId: fitOrNull(event.requestId, LIMITS.requestId),
      details: cleanDetails(event.details),
      chain: this.id,
      seq: this.seq,
      prevHash: this.lastHash,
    };
    const hash = hashEvent(fields);
    this.lastHash = hash;
    return { ...fields, hash };
  }
}

/** Sortable by start time, unique by its random part: `<base36 ms>-<16 hex>`. */
export function newChainId(): string {
  return `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`;
}

/**
 * What the database will give back: no NUL characters (PostgreSQL refuses them), no lone surrogates
 * (they would come back as U+FFFD and break the hash), at most `max` characters.
 */
function fit(value: string, max: number): string {
  const clean = String(value)
    .replaceAll('\u0000', '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (clean.length <= max) return clean;
  return Array.from(clean).slice(0, max).join('');
}

function fitOrNull(value: string | undefined | null, max: number): string | null {
  return value === undefined || value === null ? null : fit(value, max);
}

function cleanDetails(details: AuditEventInput['details']): AuditEventEntity['details'] {
  if (!details) return null;
  const clean: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    clean[fit(key, 128)] =
      typeof value === 'string' ? fit(value, 4096) : typeof value === 'number' && !Number.isFinite(value) ? null : value;
  }
  return clean;
}
