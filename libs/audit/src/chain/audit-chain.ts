import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditEventInput } from '../audit-event';
import type { AuditEventEntity } from '../audit-event.entity';
import { GENESIS_HASH, hashEvent } from './canonical-event';

/** What fit must clean: NUL characters and surrogates (which may be lone). */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const NEEDS_CLEANING = /[\u0000\uD800-\uDFFF]/;

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
 *
 * append runs on every audited request, so it is kept cheap: the row is built once, in its final
 * shape, and a string needs cleaning only when one regex test says so (see fit).
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
    // A copy of the caller's date (it could be changed after the call), or now.
    const at = event.occurredAt;
    const occurredAt = at && !Number.isNaN(at.getTime()) ? new Date(at.getTime()) : new Date();
    this.seq += 1;
    const { actor, resource } = event;
    const row: AuditEventEntity = {
      id,
      occurredAt,
      actorType: this.fit(actor.type, LIMITS.actorType) as AuditEventEntity['actorType'],
      actorId: this.fitOrNull(actor.id, LIMITS.actorId),
      orgId: this.fitOrNull(event.orgId, LIMITS.orgId),
      action: this.fit(event.action, LIMITS.action),
      resourceType: this.fitOrNull(resource?.type, LIMITS.resourceType),
      resourceId: this.fitOrNull(resource?.id, LIMITS.resourceId),
      outcome: this.fit(event.outcome, LIMITS.outcome) as AuditEventEntity['outcome'],
      reason: this.fitOrNull(event.reason, LIMITS.reason),
      requestId: this.fitOrNull(event.requestId, LIMITS.requestId),
      details: this.cleanDetails(event.details),
      chain: this.id,
      seq: this.seq,
      prevHash: this.lastHash,
      // Filled in below; the key is here so that the row keeps its shape (and its key order, hash last).
      hash: null,
    };
    const hash = hashEvent(row);
    row.hash = hash;
    this.lastHash = hash;
    return row;
  }

  /**
   * What the database will give back: no NUL characters (PostgreSQL refuses them), no lone
   * surrogates (they would come back as U+FFFD and break the hash), at most `max` characters
   * (code points).
   *
   * Almost every value (ids, names, digests) has no NUL and no surrogate: one regex test proves it,
   * and then the string is already clean and each UTF-16 unit is one code point, so a plain slice
   * cuts it exactly where the exact path would. Anything else takes the exact path.
   */
  private fit(value: string, max: number): string {
    const text = typeof value === 'string' ? value : String(value);
    if (!NEEDS_CLEANING.test(text)) return text.length <= max ? text : text.slice(0, max);
    const clean = text
      .replaceAll('\u0000', '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    if (clean.length <= max) return clean;
    return Array.from(clean).slice(0, max).join('');
  }

  private fitOrNull(value: string | undefined | null, max: number): string | null {
    return value === undefined || value === null ? null : this.fit(value, max);
  }

  /** A copy: the caller may change its object after the call, and the stored details must be what was hashed. */
  private cleanDetails(details: AuditEventInput['details']): AuditEventEntity['details'] {
    if (!details) return null;
    const clean: Record<string, string | number | boolean | null> = {};
    for (const key of Object.keys(details)) {
      const value = details[key];
      if (value === undefined) continue;
      clean[this.fit(key, 128)] =
        typeof value === 'string' ? this.fit(value, 4096) : typeof value === 'number' && !Number.isFinite(value) ? null : value;
    }
    return clean;
  }
}

/** Sortable by start time, unique by its random part: `<base36 ms>-<16 hex>`. */
export function newChainId(): string {
  return `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`;
}
