import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named pointer (`production`, `champion`, …) at one version of a model. */
@Entity({ name: 'model_aliases' })
export class ModelAliasEntity {
  @PrimaryColumn({ name: 'model_id', type: 'varchar', length: 36 })
  modelId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'version_id', type: 'varchar', length: 36 })
  versionId!: string;

  /** Moving or deleting a protected alias takes `administer` on the model, not just `publish`. */
  @Column({ type: 'boolean' })
  protected!: boolean;

  @Column({ name: 'updated_by', type: 'varchar', length: 255 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
