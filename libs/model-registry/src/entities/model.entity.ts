import type { Clearance } from '@infergate/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ModelStatus } from '../model-registry.types';

/** A registered model: a name unique in its organization, optionally owned by one project. */
@Entity({ name: 'models' })
export class ModelEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'project_id', type: 'varchar', length: 36, nullable: true })
  projectId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description!: string | null;

  @Column({ type: 'simple-json' })
  tags!: string[];

  /** Subject of the principal answerable for the model (an application or user id). */
  @Column({ type: 'varchar', length: 255 })
  owner!: string;

  @Column({ type: 'varchar', length: 16 })
  sensitivity!: Clearance;

  @Column({ type: 'varchar', length: 16 })
  status!: ModelStatus;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
