import { Column, Entity, PrimaryColumn, ValueTransformer } from 'typeorm';
import type { AuditActorType, AuditOutcome } from './audit-event';

/** PostgreSQL hands BIGINT back as a string; sequence numbers stay far below 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/**
 * One stored audit event. Rows are inserted, never updated; only the retention job deletes them.
 * `chain`, `seq`, `prevHash` and `hash` make the trail tamper-evident (see chain/canonical-event.ts);
 * rows written before the hash chain existed have them null and are reported as unchained.
 */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'occurred_at', type: Date })
  occurredAt!: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 32 })
  actorType!: AuditActorType;

  @Column({ name: 'actor_id', type: 'varchar', length: 255, nullable: true })
  actorId!: string | null;

  @Column({ name: 'org_id', type: 'varchar', length: 64, nullable: true })
  orgId!: string | null;

  @Column({ type: 'varchar', length: 128 })
  action!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 64, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 255, nullable: true })
  resourceId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: AuditOutcome;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reason!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  details!: Record<string, string | number | boolean | null> | null;

  /** The writer's chain: one per gateway process, so replicas never contend for a "last hash". */
  @Column({ type: 'varchar', length: 64, nullable: true })
  chain!: string | null;

  /** Position in the chain, from 1, strictly increasing without gaps. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  seq!: number | null;

  /** The previous event's hash in the chain (the genesis hash for seq 1). */
  @Column({ name: 'prev_hash', type: 'varchar', length: 64, nullable: true })
  prevHash!: string | null;

  /** sha-256 (hex) of the canonical form of every other field. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  hash!: string | null;
}
