import { paginationShape } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CLEARANCES, type Clearance } from '@infergate/contracts';
import { inputContractSchema, piiRuleSchema, type InputContract, type PiiRule } from '@infergate/validation';
import { z } from 'zod';
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
import { EndpointInputDto, endpointSchema, endpointView, EndpointViewDto, type EndpointView } from './endpoint.dto';
import { reasonField, regionField, statusField } from './registry-fields';

const costSchema = z.strictObject({
  units: z.number().int().min(0).max(1_000_000),
  per: z.enum(['request', 'element']),
});

const isoDate = z.iso.datetime({ offset: true, message: 'Must be an ISO 8601 date-time, such as 2026-01-31T00:00:00Z.' });

export const deprecationSchema = z
  .strictObject({
    deprecatedAt: isoDate,
    sunsetAt: isoDate.optional(),
    successorVersion: z.number().int().positive().optional(),
  })
  .refine((d) => !d.sunsetAt || Date.parse(d.sunsetAt) >= Date.parse(d.deprecatedAt), {
    message: 'The sunset cannot come before the deprecation.',
    path: ['sunsetAt'],
  });

export const createVersionSchema = z
  .strictObject({
    backend: z.enum(MODEL_BACKENDS, { message: `Must be one of: ${MODEL_BACKENDS.join(', ')}.` }),
    endpoint: endpointSchema,
    inputContract: inputContractSchema.default({ features: [], maxBatch: 1000 }),
    outputSchema: z.record(z.string(), z.unknown()).nullable().default(null),
    piiRule: piiRuleSchema.nullable().default(null),
    region: regionField.nullable().default(null),
    cost: costSchema.default({ units: 1, per: 'request' }),
  })
  .superRefine((version, ctx) => {
    if ((version.backend === 'onnx') !== (version.endpoint.kind === 'onnx')) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint', 'kind'],
        message: version.backend === 'onnx' ? 'An onnx version has an onnx endpoint.' : 'This backend has an http endpoint.',
      });
    }
  });
export type CreateVersion = z.output<typeof createVersionSchema>;

export const updateVersionSchema = z.strictObject({
  status: statusField.optional(),
  deprecation: deprecationSchema.nullable().optional(),
  endpoint: endpointSchema.optional(),
});
export type UpdateVersion = z.output<typeof updateVersionSchema>;

export const listVersionsSchema = z.strictObject({
  ...paginationShape,
  stage: z.enum(MODEL_STAGES).optional(),
  status: statusField.optional(),
});
export type ListVersions = z.output<typeof listVersionsSchema>;

export const transitionSchema = z.strictObject({
  to: z.enum(MODEL_STAGES, { message: `Must be one of: ${MODEL_STAGES.join(', ')}.` }),
  reason: reasonField.optional(),
});
export type TransitionInput = z.output<typeof transitionSchema>;

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

export class CostDto {
  @ApiProperty({ minimum: 0 })
  units!: number;

  @ApiProperty({ enum: ['request', 'element'] })
  per!: 'request' | 'element';
}

export class DeprecationDto {
  @ApiProperty({ format: 'date-time' })
  deprecatedAt!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  sunsetAt?: string;

  @ApiPropertyOptional()
  successorVersion?: number;
}

export class CreateVersionDto {
  @ApiProperty({ enum: MODEL_BACKENDS })
  backend!: ModelBackend;

  @ApiProperty({ type: EndpointInputDto })
  endpoint!: EndpointInputDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The input contract (features, maxBatch, jsonSchema, openai).',
  })
  inputContract?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  outputSchema?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  piiRule?: Record<string, unknown> | null;

  @ApiPropertyOptional({ nullable: true, example: 'eu-west-1' })
  region?: string | null;

  @ApiPropertyOptional({ type: CostDto })
  cost?: CostDto;
}

export class UpdateVersionDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  status?: ModelStatus;

  @ApiPropertyOptional({ type: DeprecationDto, nullable: true })
  deprecation?: DeprecationDto | null;

  @ApiPropertyOptional({ type: EndpointInputDto, description: 'Replaces the whole endpoint (headers and TLS included).' })
  endpoint?: EndpointInputDto;
}

export class TransitionDto {
  @ApiProperty({ enum: MODEL_STAGES })
  to!: ModelStage;

  @ApiPropertyOptional({ description: 'Required for production, deprecated and archived.' })
  reason?: string;
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

  @ApiProperty({ type: 'object', additionalProperties: true })
  inputContract!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  outputSchema!: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'Hidden from consumers.' })
  piiRule?: Record<string, unknown> | null;

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
