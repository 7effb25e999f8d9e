import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotIn,
  IsNumber,
  IsObject,
  IsString,
  Matches,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Absent, FINITE, IntegerIn, TextOf } from './contract-fields';

// The PII rule is stored beside the contract and read by the same callers.
export * from './pii-rule';

/**
 * The input contract of a model version: what a data scientist writes by hand (or generates from a
 * training frame) and the gateway enforces on every inference request before anything goes upstream.
 * Stored with the version as JSON; compiled once (ajv) per version and cached.
 *
 * One definition, three uses: these classes are the registry DTOs' `inputContract` member (validated by
 * the global pipe, errors at /inputContract/...), the OpenAPI schema of that member, and the check
 * ContractCompiler runs on a contract read back from storage (parseInputContract).
 */

/** KServe Open Inference Protocol v2 tensor datatypes. */
export const TENSOR_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type TensorDatatype = (typeof TENSOR_DATATYPES)[number];

export const FEATURE_TYPES = ['number', 'integer', 'boolean', 'string', 'enum', 'tensor'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

export interface Feature {
  name: string;
  type: FeatureType;
  required: boolean;
  description?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  values?: (string | number)[];
  datatype?: TensorDatatype;
  shape?: number[];
  maxElements?: number;
}

export interface OpenAiLimits {
  maxTokens?: number;
  maxMessages?: number;
  maxInputChars?: number;
}

export interface InputContract {
  features: Feature[];
  maxBatch: number;
  jsonSchema?: Record<string, unknown>;
  openai?: OpenAiLimits;
}

/**
 * Set by InputContractDto on each feature whose name an earlier feature already took, so that the
 * duplicate is reported at its own /features/i/name (a nested class-validator rule sees no siblings).
 * Not enumerable: it never reaches storage.
 */
const DUPLICATE = Symbol('duplicate feature name');

function markDuplicates(features: unknown): unknown {
  if (!Array.isArray(features)) return features;
  const seen = new Set<unknown>();
  for (const feature of features) {
    if (typeof feature !== 'object' || feature === null) continue;
    const name = (feature as { name?: unknown }).name;
    if (seen.has(name)) Object.defineProperty(feature, DUPLICATE, { value: true, enumerable: false });
    seen.add(name);
  }
  return features;
}

const isTensor = (feature: FeatureDto): boolean => feature.type === 'tensor';
const TENSOR_MEMBERS = 'datatype, shape and maxElements are for tensor features';
const TENSOR_NEEDS = 'a tensor feature has a datatype and a shape';
const TEXT_MEMBERS = 'maxLength and pattern are for string features and BYTES tensors';
const takesText = (feature: FeatureDto): boolean => feature.type === 'string' || feature.type === 'tensor';

/** Rule on a member that holds only when `holds(feature)`, with its message. */
const Requires = (name: string, holds: (feature: FeatureDto) => boolean, message: string): PropertyDecorator =>
  ValidateBy({ name, validator: { validate: (_value, args) => holds(args?.object as FeatureDto) } }, { message });

export class FeatureDto implements Feature {
  @ApiProperty({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,127}$', description: 'Unique in the contract; the key of the value in a row.' })
  @ValidateBy(
    { name: 'uniqueFeatureName', validator: { validate: (_value, args) => !(args?.object as Record<symbol, unknown>)[DUPLICATE] } },
    { message: 'feature names are unique' },
  )
  // Requests carrying these keys are refused before parsing (prototype pollution), so no row could name them.
  @IsNotIn(['__proto__', 'constructor', 'prototype'], { message: 'this name is reserved' })
  @Matches(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, {
    message: 'must start with a letter or _ and use letters, digits, _ . - (at most 128)',
  })
  @IsString({ message: 'must be a string' })
  name!: string;

  @ApiProperty({ enum: FEATURE_TYPES })
  @IsIn(FEATURE_TYPES, { message: `must be one of: ${FEATURE_TYPES.join(', ')}` })
  type!: FeatureType;

  @ApiPropertyOptional({ default: true })
  @IsBoolean({ message: 'must be a boolean' })
  required: boolean = true;

  @ApiPropertyOptional({ maxLength: 500 })
  @Absent()
  @TextOf(500)
  description?: string;

  @ApiPropertyOptional({ description: 'number, integer, and the elements of numeric tensors.' })
  @Absent()
  @Requires(
    'minimumNotAboveMaximum',
    (f) => f.maximum === undefined || (f.minimum as number) <= f.maximum,
    'minimum is greater than maximum',
  )
  @IsNumber(FINITE, { message: 'must be a finite number' })
  minimum?: number;

  @ApiPropertyOptional({ description: 'number, integer, and the elements of numeric tensors.' })
  @Absent()
  @IsNumber(FINITE, { message: 'must be a finite number' })
  maximum?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000, description: 'string, and the elements of BYTES tensors.' })
  @ValidateIf((f: FeatureDto) => f.maxLength !== undefined || (f.pattern !== undefined && !takesText(f)))
  @IsDefined({ message: TEXT_MEMBERS })
  @Requires('textMembers', takesText, TEXT_MEMBERS)
  @IntegerIn(1, 1_000_000)
  maxLength?: number;

  @ApiPropertyOptional({ maxLength: 1000, description: 'string, and the elements of BYTES tensors: a regular expression (u flag).' })
  @Absent()
  @ValidateBy(
    { name: 'validPattern', validator: { validate: (value) => typeof value === 'string' && compiles(value) } },
    { message: 'pattern is not a valid regular expression' },
  )
  @TextOf(1000)
  pattern?: string;

  @ApiPropertyOptional({
    type: 'array',
    minItems: 1,
    maxItems: 10_000,
    items: { oneOf: [{ type: 'string', maxLength: 1000 }, { type: 'number' }] },
    description: 'enum: the allowed values.',
  })
  @ValidateIf((f: FeatureDto) => f.values !== undefined || f.type === 'enum')
  @IsDefined({ message: 'an enum feature lists its values' })
  @Requires('enumValues', (f) => f.type === 'enum', 'only enum features have values')
  @ValidateBy(
    {
      name: 'enumValue',
      validator: {
        validate: (values: unknown) =>
          !Array.isArray(values) ||
          values.every(
            (value) => (typeof value === 'string' && value.length <= 1000) || (typeof value === 'number' && Number.isFinite(value)),
          ),
      },
    },
    { message: 'values are strings (at most 1000 characters) or finite numbers' },
  )
  @ArrayMaxSize(10_000, { message: 'must have at most 10000 values' })
  @ArrayMinSize(1, { message: 'must have at least 1 value' })
  @IsArray({ message: 'must be an array' })
  values?: (string | number)[];

  @ApiPropertyOptional({ enum: TENSOR_DATATYPES, description: 'tensor: the element datatype.' })
  @ValidateIf((f: FeatureDto) => f.datatype !== undefined || (!isTensor(f) && (f.shape !== undefined || f.maxElements !== undefined)))
  @IsDefined({ message: TENSOR_MEMBERS })
  @Requires('tensorMembers', isTensor, TENSOR_MEMBERS)
  @IsIn(TENSOR_DATATYPES, { message: `must be one of: ${TENSOR_DATATYPES.join(', ')}` })
  datatype?: TensorDatatype;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer', minimum: -1 },
    minItems: 1,
    maxItems: 8,
    description: 'tensor: the shape; -1 marks a variable dimension (e.g. the batch).',
  })
  @ValidateIf((f: FeatureDto) => f.shape !== undefined || isTensor(f))
  @IsDefined({ message: TENSOR_NEEDS })
  @Requires('tensorDatatype', (f) => !isTensor(f) || f.datatype !== undefined, TENSOR_NEEDS)
  @Min(-1, { each: true, message: 'dimensions are -1 (variable) or more' })
  @IsInt({ each: true, message: 'dimensions are integers' })
  @ArrayMaxSize(8, { message: 'must have at most 8 dimensions' })
  @ArrayMinSize(1, { message: 'must have at least 1 dimension' })
  @IsArray({ message: 'must be an array' })
  shape?: number[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100_000_000,
    description: 'tensor: the most elements accepted, whatever the shape says (bounds variable dimensions).',
  })
  @Absent()
  @IntegerIn(1, 100_000_000)
  maxElements?: number;
}

export class OpenAiLimitsDto implements OpenAiLimits {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10_000_000, description: 'max_tokens / max_completion_tokens asked for.' })
  @Absent()
  @IntegerIn(1, 10_000_000)
  maxTokens?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000, description: 'Messages of a chat request.' })
  @Absent()
  @IntegerIn(1, 100_000)
  maxMessages?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100_000_000,
    description: 'Total characters of all prompt / message / input text.',
  })
  @Absent()
  @IntegerIn(1, 100_000_000)
  maxInputChars?: number;
}

@ApiExtraModels(FeatureDto, OpenAiLimitsDto)
export class InputContractDto implements InputContract {
  @ApiPropertyOptional({ type: [FeatureDto], maxItems: 10_000, default: [] })
  @ValidateNested({ each: true })
  @ArrayMaxSize(10_000, { message: 'must have at most 10000 features' })
  @IsArray({ message: 'must be an array' })
  @Transform(({ value }: { value: unknown }) => markDuplicates(value))
  @Type(() => FeatureDto)
  features: FeatureDto[] = [];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100_000,
    default: 1000,
    description: 'Rows per native `instances` request.',
  })
  @IntegerIn(1, 100_000)
  maxBatch: number = 1000;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Free-form JSON Schema (the draft 2020-12 subset ajv supports), applied to each native row in addition.',
  })
  @Absent()
  @IsObject({ message: 'must be a JSON Schema object' })
  jsonSchema?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: OpenAiLimitsDto,
    description: 'For `openai` backends: limits checked on chat/completions/embeddings requests.',
  })
  @Absent()
  @ValidateNested()
  @IsObject({ message: 'must be an object' })
  @Type(() => OpenAiLimitsDto)
  openai?: OpenAiLimitsDto;
}

/** The OpenAPI schema of an input contract, for a response DTO that shows one. */
export const INPUT_CONTRACT_SCHEMA_REF = { $ref: getSchemaPath(InputContractDto) };

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
