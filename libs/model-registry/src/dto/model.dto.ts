import { paginationShape } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CLEARANCES, type Clearance } from '@infergate/contracts';
import { z } from 'zod';
import type { ModelEntity } from '../entities/model.entity';
import { MODEL_STAGES, type ModelStatus } from '../model-registry.types';
import { clearanceField, idField, modelNameField, statusField, tagField, tagsField } from './registry-fields';

export const createModelSchema = z.strictObject({
  name: modelNameField,
  /** Platform admins name the organization; everyone else creates in their own. */
  orgId: idField.optional(),
  projectId: idField.nullable().optional(),
  description: z.string().max(2000).optional(),
  tags: tagsField.default([]),
  sensitivity: clearanceField.default('internal'),
  owner: z.string().min(1).max(255).optional(),
});
export type CreateModel = z.output<typeof createModelSchema>;

export const updateModelSchema = z.strictObject({
  description: z.string().max(2000).nullable().optional(),
  tags: tagsField.optional(),
  sensitivity: clearanceField.optional(),
  status: statusField.optional(),
  owner: z.string().min(1).max(255).optional(),
});
export type UpdateModel = z.output<typeof updateModelSchema>;

export const listModelsSchema = z.strictObject({
  ...paginationShape,
  /** Name prefix. */
  name: z.string().min(1).max(100).optional(),
  tag: tagField.optional(),
  sensitivity: clearanceField.optional(),
  status: statusField.optional(),
  projectId: idField.optional(),
  orgId: idField.optional(),
  /** Models with at least one version in this stage. */
  stage: z.enum(MODEL_STAGES).optional(),
});
export type ListModels = z.output<typeof listModelsSchema>;

export class CreateModelDto {
  @ApiProperty({ maxLength: 100, example: 'churn' })
  name!: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Platform admins only; others create in their principal's organization." })
  orgId?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  projectId?: string | null;

  @ApiPropertyOptional({ maxLength: 2000 })
  description?: string;

  @ApiPropertyOptional({ type: [String], example: ['tabular', 'xgboost'] })
  tags?: string[];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'internal' })
  sensitivity?: Clearance;

  @ApiPropertyOptional({ description: 'Subject answerable for the model; defaults to the caller.' })
  owner?: string;
}

export class UpdateModelDto {
  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  description?: string | null;

  @ApiPropertyOptional({ type: [String] })
  tags?: string[];

  @ApiPropertyOptional({ enum: CLEARANCES })
  sensitivity?: Clearance;

  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: 'update, or administer (org admins), on the model.' })
  status?: ModelStatus;

  @ApiPropertyOptional()
  owner?: string;
}

export class ModelDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ format: 'uuid', nullable: true })
  projectId!: string | null;

  @ApiProperty()
  name!: string;

  @ApiProperty({ nullable: true })
  description!: string | null;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty()
  owner!: string;

  @ApiProperty({ enum: CLEARANCES })
  sensitivity!: Clearance;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status!: ModelStatus;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static from(entity: ModelEntity): ModelDto {
    return {
      id: entity.id,
      orgId: entity.orgId,
      projectId: entity.projectId,
      name: entity.name,
      description: entity.description,
      tags: entity.tags,
      owner: entity.owner,
      sensitivity: entity.sensitivity,
      status: entity.status,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    };
  }
}

export class ModelPageDto {
  @ApiProperty({ type: [ModelDto] })
  items!: ModelDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  limit!: number;

  @ApiProperty()
  offset!: number;
}
