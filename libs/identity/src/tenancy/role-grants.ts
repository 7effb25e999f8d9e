import type { DatabaseService } from '@infergate/database';
import type { RoleGrant } from '@infergate/contracts';
import { RoleBindingEntity } from './role-binding.entity';

/** The roles bound to a principal. */
export async function loadRoleGrants(
  database: DatabaseService,
  principalType: 'application' | 'user',
  principalId: string,
): Promise<RoleGrant[]> {
  const bindings = await database.repository(RoleBindingEntity).find({ where: { principalType, principalId } });
  return bindings.map((binding) => ({ role: binding.role, orgId: binding.orgId, projectId: binding.projectId }));
}
