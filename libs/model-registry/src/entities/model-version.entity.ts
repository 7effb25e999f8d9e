import type { Clearance } from '@infergate/contracts';
import type { InputContract, PiiRule } from '@infergate/validation';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ModelBackend, ModelCost, ModelDeprecation, ModelStage, ModelStatus } from '../model-registry.types';

/**
 * One version of a model. `orgId`, `projectId` and `sensitivity` are copied from the model (and kept in
 * step by the registry) so that policy conditions on ModelVersion become plain WHERE clauses.
 */
@Entity({ name: 'model_versions' })
export class ModelVersionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'model_id', type: 'varchar', length: 36 })
  modelId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'project_id', type: 'varchar', length: 36, nullable: true })
  projectId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  sensitivity!: Clearance;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 16 })
  stage!: ModelStage;

  @Column({ type: 'varchar', length: 16 })
  status!: ModelStatus;

  @Column({ name: 'input_contract', type: 'simple-json' })
  inputContract!: InputContract;

  @Column({ name: 'output_schema', type: 'simple-json', nullable: true })
  outputSchema!: Record<string, unknown> | null;

  @Column({ name: 'pii_rule', type: 'simple-json', nullable: true })
  piiRule!: PiiRule | null;

  @Column({ type: 'varchar', length: 16 })
  backend!: ModelBackend;

  /** The ModelEndpoint as JSON, sealed (AES-256-GCM under the master key) and bound to this row's id. */
  @Column({ name: 'endpoint_sealed', type: 'text' })
  endpointSealed!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  region!: string | null;

  @Column({ type: 'simple-json' })
  cost!: ModelCost;

  @Column({ type: 'simple-json', nullable: true })
  deprecation!: ModelDeprecation | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
