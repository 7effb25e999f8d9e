import { PaginationQueryDto } from '@infergate/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsPositive, IsRFC3339, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { CLEARANCES, type Clearance } from '@infergate/contracts';
import { InputContractDto, PiiRuleDto, type InputContract, type PiiRule } from '@infergate/validation';
import type { ModelVersionEntity } from '../entities/model-version.entity';
import {
  MODEL_BACKENDS,
  MODEL_STAGES,
  type ModelBackend,
  type ModelCost,
  type ModelDeprecation,
  type ModelEndpoint,
  type ModelStage,
  type ModelStatus,
} from '../model-registry.types';
import {
  ApiEndpointModels,
  attachBackend,
  ENDPOINT_SCHEMA,
  EndpointType,
  endpointView,
  EndpointViewDto,
  type EndpointInputDto,
  type EndpointView,
} from './endpoint.dto';
import { Absentable, ReasonField, RegionField, StatusField } from './registry-fields';

export class CostDto implements ModelCost {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1_000_000 })
  @IsInt({ message: 'Must be an integer.' })
  @Min(0, { message: 'Must be at least 0.' })
  @Max(1_000_000, { message: 'Must be at most 1000000.' })
  units!: number;

  @ApiProperty({ enum: ['request', 'element'] })
  @IsIn(['request', 'element'], { message: 'Must be request or element.' })
  per!: 'request' | 'element';

  /** One unit per request: what a version costs unless its publisher says otherwise. */
  static perRequest(): CostDto {
    return Object.assign(new CostDto(), { units: 1, per: 'request' as const });
  }
}

const ISO_DATE = 'Must be an ISO 8601 date-time, such as 2026-01-31T00:00:00Z.';

export class DeprecationDto implements ModelDeprecation {
  @ApiProperty({ format: 'date-time', description: 'RFC 9745 `Deprecation` date.' })
  @IsRFC3339({ message: ISO_DATE })
  deprecatedAt!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 8594 `Sunset` date; not before the deprecation.' })
  @Absentable()
  @ValidateBy(
    {
      name: 'sunsetAfterDeprecation',
      validator: {
        validate: (sunsetAt: string, args) => {
          const deprecatedAt = Date.parse((args?.object as DeprecationDto).deprecatedAt);
          return Number.isNaN(deprecatedAt) || Date.parse(sunsetAt) >= deprecatedAt;
        },
      },
    },
    { message: 'The sunset cannot come before the deprecation.' },
  )
  @IsRFC3339({ message: ISO_DATE })
  sunsetAt?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'The version number that replaces this one.' })
  @Absentable()
  @IsPositive({ message: 'Must be positive.' })
  @IsInt({ message: 'Must be an integer.' })
  successorVersion?: number;
}

const EndpointMember =
  (description?: string): PropertyDecorator =>
  (target, key) => {
    ApiProperty({ ...ENDPOINT_SCHEMA, description })(target, key);
    EndpointType()(target, key);
    IsObject({ message: 'Must be an object.' })(target, key);
    ValidateNested()(target, key);
  };

@ApiEndpointModels()
@ApiExtraModels(InputContractDto, PiiRuleDto)
export class CreateVersionDto {
  @ApiProperty({ enum: MODEL_BACKENDS })
  @IsIn(MODEL_BACKENDS, { message: `Must be one of: ${MODEL_BACKENDS.join(', ')}.` })
  backend!: ModelBackend;

  // The backend goes along with the endpoint, so that a mismatch is reported at /endpoint/kind.
  @EndpointMember('Where the version is served: an http endpoint for kserve-v2, openai and http-json; an onnx file for onnx.')
  @Transform(({ value, obj }: { value: unknown; obj: { backend?: unknown } }) => attachBackend(value, obj.backend))
  endpoint!: EndpointInputDto;

  @ApiPropertyOptional({
    type: InputContractDto,
    description: 'What every inference request must satisfy (checked before anything goes upstream). Default: no features, maxBatch 1000.',
  })
  @ValidateNested()
  @IsObject({ message: 'Must be an object.' })
  @Type(() => InputContractDto)
  inputContract: InputContract = new InputContractDto();

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'A JSON Schema of the answers.' })
  @IsOptional()
  @IsObject({ message: 'Must be a JSON Schema object.' })
  outputSchema: Record<string, unknown> | null = null;

  @ApiPropertyOptional({ type: PiiRuleDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @IsObject({ message: 'Must be an object.' })
  @Type(() => PiiRuleDto)
  piiRule: PiiRule | null = null;

  @ApiPropertyOptional({ nullable: true, example: 'eu-west-1', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' })
  @IsOptional()
  @RegionField()
  region: string | null = null;

  @ApiPropertyOptional({ type: CostDto, default: { units: 1, per: 'request' } })
  @ValidateNested()
  @IsObject({ message: 'Must be an object.' })
  @Type(() => CostDto)
  cost: CostDto = CostDto.perRequest();
}
export type CreateVersion = CreateVersionDto;

@ApiEndpointModels()
export class UpdateVersionDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @Absentable()
  @StatusField()
  status?: ModelStatus;

  @ApiPropertyOptional({ type: DeprecationDto, nullable: true, description: 'null withdraws the deprecation.' })
  @IsOptional()
  @ValidateNested()
  @IsObject({ message: 'Must be an object.' })
  @Type(() => DeprecationDto)
  deprecation?: DeprecationDto | null;

  @Absentable()
  @EndpointMember('Replaces the whole endpoint (headers and TLS included).')
  endpoint?: EndpointInputDto;
}
export type UpdateVersion = UpdateVersionDto;

export class ListVersionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: MODEL_STAGES })
  @Absentable()
  @IsIn(MODEL_STAGES, { message: `Must be one of: ${MODEL_STAGES.join(', ')}.` })
  stage?: ModelStage;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @Absentable()
  @StatusField()
  status?: ModelStatus;
}
export type ListVersions = ListVersionsQueryDto;

export class TransitionDto {
  @ApiProperty({ enum: MODEL_STAGES })
  @IsIn(MODEL_STAGES, { message: `Must be one of: ${MODEL_STAGES.join(', ')}.` })
  to!: ModelStage;

  @ApiPropertyOptional({ maxLength: 1000, description: 'Required for production, deprecated and archived.' })
  @Absentable()
  @ReasonField()
  reason?: string;
}
export type TransitionInput = TransitionDto;

/**
 * A version as the registry shows it. The endpoint view never carries header values or TLS material;
 * field-level rules (consumers) drop backend, endpoint, PII rule and the tenancy ids as well.
 */
export interface ModelVersionView {
  id: string;
  modelId: string;
  orgId: string;
  projectId: string | null;
  version: number;
  stage: ModelStage;
  status: ModelStatus;
  sensitivity: Clearance;
  region: string | null;
  backend?: ModelBackend;
  endpoint?: EndpointView;
  inputContract: InputContract;
  outputSchema: Record<string, unknown> | null;
  piiRule?: PiiRule | null;
  cost: ModelCost;
  deprecation: ModelDeprecation | null;
  createdAt: Date;
  updatedAt: Date;
}

export function versionView(entity: ModelVersionEntity, endpoint: ModelEndpoint): ModelVersionView {
  return {
    id: entity.id,
    modelId: entity.modelId,
    orgId: entity.orgId,
    projectId: entity.projectId,
    version: entity.version,
    stage: entity.stage,
    status: entity.status,
    sensitivity: entity.sensitivity,
    region: entity.region,
    backend: entity.backend,
    endpoint: endpointView(endpoint),
    inputContract: entity.inputContract,
    outputSchema: entity.outputSchema,
    piiRule: entity.piiRule,
    cost: entity.cost,
    deprecation: entity.deprecation,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

export class ModelVersionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  modelId!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  orgId?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  projectId?: string | null;

  @ApiProperty()
  version!: number;

  @ApiProperty({ enum: MODEL_STAGES })
  stage!: ModelStage;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status!: ModelStatus;

  @ApiProperty({ enum: CLEARANCES })
  sensitivity!: Clearance;

  @ApiProperty({ nullable: true })
  region!: string | null;

  @ApiPropertyOptional({ enum: MODEL_BACKENDS, description: 'Hidden from consumers.' })
  backend?: ModelBackend;

  @ApiPropertyOptional({ type: EndpointViewDto, description: 'Hidden from consumers.' })
  endpoint?: EndpointViewDto;

  @ApiProperty({ type: InputContractDto })
  inputContract!: InputContract;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  outputSchema!: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: PiiRuleDto, nullable: true, description: 'Hidden from consumers.' })
  piiRule?: PiiRule | null;

  @ApiProperty({ type: CostDto })
  cost!: CostDto;

  @ApiProperty({ type: DeprecationDto, nullable: true })
  deprecation!: DeprecationDto | null;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;
}

export class ModelVersionPageDto {
  @ApiProperty({ type: [ModelVersionDto] })
  items!: ModelVersionDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  limit!: number;

  @ApiProperty()
  offset!: number;
}

export class StageTransitionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  version!: number;

  @ApiProperty({ enum: MODEL_STAGES })
  from!: ModelStage;

  @ApiProperty({ enum: MODEL_STAGES })
  to!: ModelStage;

  @ApiProperty()
  actor!: string;

  @ApiProperty({ nullable: true })
  reason!: string | null;

  @ApiProperty()
  at!: Date;
}
