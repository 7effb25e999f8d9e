import { PageMetaDto, paginationShape } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import type { RoleBindingEntity } from './role-binding.entity';
import { ROLES, type Role } from '@infergate/contracts';
import { idField, roleField } from './tenancy.validation';

const principalTypeField = z.enum(['application', 'user'], { message: 'Must be one of: application, user.' });

export const createRoleBindingSchema = z.strictObject({
  principalType: principalTypeField,
  principalId: idField,
  role: roleField,
  orgId: idField.optional(),
  projectId: idField.optional(),
});
export type CreateRoleBinding = z.output<typeof createRoleBindingSchema>;

export const listRoleBindingsSchema = z.strictObject({
  ...paginationShape,
  principalType: principalTypeField.optional(),
  principalId: idField.optional(),
  role: roleField.optional(),
  orgId: idField.optional(),
});
export type ListRoleBindings = z.output<typeof listRoleBindingsSchema>;

export class CreateRoleBindingDto {
  @ApiProperty({ enum: ['application', 'user'] })
  principalType!: 'application' | 'user';

  @ApiProperty({ format: 'uuid' })
  principalId!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for every role but platform-admin, which takes none.' })
  orgId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Narrows the role to one project of the organization.' })
  projectId?: string;
}

export class RoleBindingDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['application', 'user'] })
  principalType!: 'application' | 'user';

  @ApiProperty({ format: 'uuid' })
  principalId!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  orgId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  projectId!: string | null;

  @ApiProperty()
  createdAt!: Date;

  static from(entity: RoleBindingEntity): RoleBindingDto {
    return {
      id: entity.id,
      principalType: entity.principalType,
      principalId: entity.principalId,
      role: entity.role,
      orgId: entity.orgId,
      projectId: entity.projectId,
      createdAt: entity.createdAt,
    };
  }
}

export class RoleBindingPageDto extends PageMetaDto {
  @ApiProperty({ type: [RoleBindingDto] })
  items!: RoleBindingDto[];
}
