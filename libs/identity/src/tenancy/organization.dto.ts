import { PageMetaDto, paginationShape } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import type { OrganizationEntity } from './organization.entity';
import { CLEARANCES, type Clearance, type EntityStatus } from '@infergate/contracts';
import { cidrsField, clearanceField, displayNameField, nameField, regionsField } from './tenancy.validation';

export const createOrganizationSchema = z.strictObject({
  name: nameField,
  displayName: displayNameField.optional(),
  allowedRegions: regionsField.default([]),
  allowedCidrs: cidrsField.default([]),
  maxClearance: clearanceField.default('restricted'),
});
export type CreateOrganization = z.output<typeof createOrganizationSchema>;

export const updateOrganizationSchema = z.strictObject({
  name: nameField.optional(),
  displayName: displayNameField.nullable().optional(),
  allowedRegions: regionsField.optional(),
  allowedCidrs: cidrsField.optional(),
  maxClearance: clearanceField.optional(),
});
export type UpdateOrganization = z.output<typeof updateOrganizationSchema>;

export const listOrganizationsSchema = z.strictObject({
  ...paginationShape,
  status: z.enum(['active', 'disabled']).optional(),
});
export type ListOrganizations = z.output<typeof listOrganizationsSchema>;

export class CreateOrganizationDto {
  @ApiProperty({ maxLength: 100, example: 'acme' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  displayName?: string;

  @ApiPropertyOptional({ type: [String], example: ['eu-west-1'] })
  allowedRegions?: string[];

  @ApiPropertyOptional({ type: [String], example: ['10.0.0.0/8'] })
  allowedCidrs?: string[];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'restricted' })
  maxClearance?: Clearance;
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional({ maxLength: 100 })
  name?: string;

  @ApiPropertyOptional({ maxLength: 200, nullable: true })
  displayName?: string | null;

  @ApiPropertyOptional({ type: [String] })
  allowedRegions?: string[];

  @ApiPropertyOptional({ type: [String] })
  allowedCidrs?: string[];

  @ApiPropertyOptional({ enum: CLEARANCES })
  maxClearance?: Clearance;
}

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
