import { PageMetaDto, PaginationQueryDto } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsOmittable } from '@infergate/validation';
import type { RoleBindingEntity } from './role-binding.entity';
import { ROLES, type Role } from '@infergate/contracts';
import { IdField, RoleField } from './tenancy.validation';

const PRINCIPAL_TYPES = ['application', 'user'] as const;
type PrincipalType = (typeof PRINCIPAL_TYPES)[number];
const PrincipalTypeField = () => IsIn(PRINCIPAL_TYPES, { message: 'Must be one of: application, user.' });

/** POST /v1/admin/role-bindings */
export class CreateRoleBindingDto {
  @ApiProperty({ enum: PRINCIPAL_TYPES })
  @PrincipalTypeField()
  principalType!: PrincipalType;

  @ApiProperty({ format: 'uuid' })
  @IdField()
  principalId!: string;

  @ApiProperty({ enum: ROLES })
  @RoleField()
  role!: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for every role but platform-admin, which takes none.' })
  @IsOmittable()
  @IdField()
  orgId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Narrows the role to one project of the organization.' })
  @IsOmittable()
  @IdField()
  projectId?: string;
}

/** GET /v1/admin/role-bindings */
export class ListRoleBindingsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: PRINCIPAL_TYPES })
  @IsOmittable()
  @PrincipalTypeField()
  principalType?: PrincipalType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IdField()
  principalId?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOmittable()
  @RoleField()
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IdField()
  orgId?: string;
}

/** The validated inputs, as the service takes them. */
export type CreateRoleBinding = CreateRoleBindingDto;
export type ListRoleBindings = ListRoleBindingsQueryDto;

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
