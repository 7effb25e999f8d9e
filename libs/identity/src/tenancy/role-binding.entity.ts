import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@infergate/contracts';

/**
 * Gives a principal a role: platform-wide (no org), within an organization, or within one project.
 */
@Entity({ name: 'role_bindings' })
export class RoleBindingEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'principal_type', type: 'varchar', length: 16 })
  principalType!: 'application' | 'user';

  @Column({ name: 'principal_id', type: 'varchar', length: 36 })
  principalId!: string;

  @Column({ type: 'varchar', length: 32 })
  role!: Role;

  @Column({ name: 'org_id', type: 'varchar', length: 36, nullable: true })
  orgId!: string | null;

  @Column({ name: 'project_id', type: 'varchar', length: 36, nullable: true })
  projectId!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
