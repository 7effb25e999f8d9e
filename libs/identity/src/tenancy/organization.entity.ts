import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Clearance, EntityStatus } from '@infergate/contracts';

@Entity({ name: 'organizations' })
export class OrganizationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: EntityStatus;

  @Column({ name: 'allowed_regions', type: 'simple-json' })
  allowedRegions!: string[];

  @Column({ name: 'allowed_cidrs', type: 'simple-json' })
  allowedCidrs!: string[];

  /** The highest clearance any principal of this organization can hold. */
  @Column({ name: 'max_clearance', type: 'varchar', length: 16 })
  maxClearance!: Clearance;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
