import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ModelStage } from '../model-registry.types';

/** One stage change of a version: who moved it, from where to where, and why. Append-only. */
@Entity({ name: 'model_stage_transitions' })
export class ModelStageTransitionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'version_id', type: 'varchar', length: 36 })
  versionId!: string;

  @Column({ name: 'from_stage', type: 'varchar', length: 16 })
  from!: ModelStage;

  @Column({ name: 'to_stage', type: 'varchar', length: 16 })
  to!: ModelStage;

  /** `application:<id>`, `user:<id>` or `system:cli`. */
  @Column({ type: 'varchar', length: 255 })
  actor!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @Column({ type: Date })
  at!: Date;
}
