import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './audit-event.entity';

/**
 * Where verification of a chain starts after retention pruned its beginning: the last pruned event's
 * seq and hash. The remaining events must link to it exactly as they linked to the deleted one.
 */
@Entity({ name: 'audit_checkpoints' })
export class AuditCheckpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  chain!: string;

  @Column({ name: 'through_seq', type: 'bigint', transformer: bigintAsNumber })
  throughSeq!: number;

  @Column({ name: 'through_hash', type: 'varchar', length: 64 })
  throughHash!: string;

  @Column({ name: 'pruned_at', type: Date })
  prunedAt!: Date;
}
