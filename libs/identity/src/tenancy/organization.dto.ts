import { PageMetaDto, PaginationQueryDto } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsOmittable } from '@infergate/validation';
import type { OrganizationEntity } from './organization.entity';
import { CLEARANCES, type Clearance, type EntityStatus } from '@infergate/contracts';
import { CidrsField, ClearanceField, DisplayNameField, NameField, RegionsField, StatusField } from './tenancy.validation';

/** POST /v1/admin/organizations */
export class CreateOrganizationDto {
  @ApiProperty({ maxLength: 100, example: 'acme' })
  @NameField()
  name!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOmittable()
  @DisplayNameField()
  displayName?: string;

  @ApiPropertyOptional({ type: [String], example: ['eu-west-1'] })
  @RegionsField()
  allowedRegions: string[] = [];

  @ApiPropertyOptional({ type: [String], example: ['10.0.0.0/8'] })
  @CidrsField()
  allowedCidrs: string[] = [];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'restricted' })
  @ClearanceField()
  maxClearance: Clearance = 'restricted';
}

/** PATCH /v1/admin/organizations/:orgId */
export class UpdateOrganizationDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOmittable()
  @NameField()
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true })
  @IsOptional()
  @DisplayNameField()
  displayName?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @RegionsField()
  allowedRegions?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @CidrsField()
  allowedCidrs?: string[];

  @ApiPropertyOptional({ enum: CLEARANCES })
  @IsOmittable()
  @ClearanceField()
  maxClearance?: Clearance;
}

/** GET /v1/admin/organizations */
export class ListOrganizationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOmittable()
  @StatusField()
  status?: EntityStatus;
}

/** The validated inputs, as the service takes them. */
export type CreateOrganization = CreateOrganizationDto;
export type UpdateOrganization = UpdateOrganizationDto;
export type ListOrganizations = ListOrganizationsQueryDto;

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  displayName!: string | null;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status!: EntityStatus;

  @ApiProperty({ type: [String] })
  allowedRegions!: string[];

  @ApiProperty({ type: [String] })
  allowedCidrs!: string[];

  @ApiProperty({ enum: CLEARANCES })
  maxClearance!: Clearance;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static from(entity: OrganizationEntity): OrganizationDto {
    return {
      id: entity.id,
      name: entity.name,
      displayName: entity.displayName,
      status: entity.status,
      allowedRegions: entity.allowedRegions,
      allowedCidrs: entity.allowedCidrs,
      maxClearance: entity.maxClearance,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    };
  }
}

export class OrganizationPageDto extends PageMetaDto {
  @ApiProperty({ type: [OrganizationDto] })
  items!: OrganizationDto[];
}
