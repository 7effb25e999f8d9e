import { PaginationQueryDto } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CLEARANCES, type Clearance } from '@infergate/contracts';
import type { ModelEntity } from '../entities/model.entity';
import { MODEL_STAGES, type ModelStage, type ModelStatus } from '../model-registry.types';
import { Absentable, ClearanceField, IdField, ModelNameField, StatusField, TagField, TagsField, Text } from './registry-fields';

export class CreateModelDto {
  @ApiProperty({ maxLength: 100, example: 'churn', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' })
  @ModelNameField()
  name!: string;

  /** Platform admins name the organization; everyone else creates in their own. */
  @ApiPropertyOptional({ format: 'uuid', description: "Platform admins only; others create in their principal's organization." })
  @Absentable()
  @IdField()
  orgId?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IdField()
  projectId?: string | null;

  @ApiPropertyOptional({ maxLength: 2000 })
  @Absentable()
  @Text(2000)
  description?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 32, uniqueItems: true, example: ['tabular', 'xgboost'] })
  @TagsField()
  tags: string[] = [];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'internal' })
  @ClearanceField()
  sensitivity: Clearance = 'internal';

  @ApiPropertyOptional({ minLength: 1, maxLength: 255, description: 'Subject answerable for the model; defaults to the caller.' })
  @Absentable()
  @Text(255, 1)
  owner?: string;
}
export type CreateModel = CreateModelDto;

export class UpdateModelDto {
  @ApiPropertyOptional({ maxLength: 2000, nullable: true, description: 'null clears it.' })
  @IsOptional()
  @Text(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: 32, uniqueItems: true })
  @Absentable()
  @TagsField()
  tags?: string[];

  @ApiPropertyOptional({ enum: CLEARANCES })
  @Absentable()
  @ClearanceField()
  sensitivity?: Clearance;

  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: 'update, or administer (org admins), on the model.' })
  @Absentable()
  @StatusField()
  status?: ModelStatus;

  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @Absentable()
  @Text(255, 1)
  owner?: string;
}
export type UpdateModel = UpdateModelDto;

/** The list filters; every value arrives as a string and none is converted but the paging. */
export class ListModelsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: 'Name prefix.' })
  @Absentable()
  @Text(100, 1)
  name?: string;

  @ApiPropertyOptional({ description: 'Models carrying this tag.' })
  @Absentable()
  @TagField()
  tag?: string;

  @ApiPropertyOptional({ enum: CLEARANCES })
  @Absentable()
  @ClearanceField()
  sensitivity?: Clearance;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @Absentable()
  @StatusField()
  status?: ModelStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @Absentable()
  @IdField()
  projectId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins only.' })
  @Absentable()
  @IdField()
  orgId?: string;

  @ApiPropertyOptional({ enum: MODEL_STAGES, description: 'Models with at least one version in this stage.' })
  @Absentable()
  @IsIn(MODEL_STAGES, { message: `Must be one of: ${MODEL_STAGES.join(', ')}.` })
  stage?: ModelStage;
}
export type ListModels = ListModelsQueryDto;

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
