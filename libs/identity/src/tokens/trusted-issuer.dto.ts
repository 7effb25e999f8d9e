import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { applyDecorators } from '@nestjs/common';
import { EachItem, IsOmittable } from '@infergate/validation';
import { isAllowedIdpUrl } from './idp-http';
import { EXTERNAL_ALGORITHMS, MAX_EXTERNAL_SKEW_SECONDS } from './external-token.verifier';
import type { TrustedIssuerEntity } from './trusted-issuer.entity';

const IDP_URL_MESSAGE = 'must be an https URL (http only for a loopback host), without credentials or fragment';

/** An identity provider URL of at most `max` characters; `null` passes when the field is nullable. */
function IdpUrlField(max: number, nullable = false): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIdpUrl',
      validator: {
        validate: (value: unknown) =>
          (nullable && value === null) || (typeof value === 'string' && value.length <= max && isAllowedIdpUrl(value)),
      },
    },
    { message: IDP_URL_MESSAGE },
  );
}

function TextField(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    IsString({ message: 'Must be a string.' }),
    MinLength(min, { message: `Must be at least ${min} character${min === 1 ? '' : 's'}.` }),
    MaxLength(max, { message: `Must be at most ${max} characters.` }),
  );
}

/** Which claims of the IdP's tokens carry the principal's attributes; omitted ones take the defaults. */
export class ClaimMappingDto {
  @ApiPropertyOptional() @IsOmittable() @TextField(1, 200) org?: string;
  @ApiPropertyOptional() @IsOmittable() @TextField(1, 200) roles?: string;
  @ApiPropertyOptional() @IsOmittable() @TextField(1, 200) scopes?: string;
  @ApiPropertyOptional() @IsOmittable() @TextField(1, 200) clearance?: string;
  @ApiPropertyOptional() @IsOmittable() @TextField(1, 200) projects?: string;
  @ApiPropertyOptional() @IsOmittable() @TextField(1, 200) regions?: string;
}

/** RFC 7662 introspection of the IdP's opaque tokens; the client secret is sealed at rest and never shown. */
export class IntrospectionDto {
  @ApiPropertyOptional({ maxLength: 1024, description: 'Found by discovery when omitted.' })
  @IsOmittable()
  @IdpUrlField(1024)
  endpoint?: string;

  @ApiProperty({ maxLength: 255 })
  @TextField(1, 255)
  clientId!: string;

  @ApiProperty({ maxLength: 1024, writeOnly: true })
  @TextField(1, 1024)
  clientSecret!: string;
}

const isAlgorithm = (item: unknown): boolean => (EXTERNAL_ALGORITHMS as readonly unknown[]).includes(item);

function AlgorithmsField(): PropertyDecorator {
  return applyDecorators(
    // Repeats are dropped, as before: listing RS256 twice is harmless.
    Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? [...new Set(value)] : value), { toClassOnly: true }),
    IsArray({ message: 'Must be an array.' }),
    ArrayMinSize(1, { message: 'Must have at least 1 entry.' }),
    ArrayMaxSize(EXTERNAL_ALGORITHMS.length, { message: `Must have at most ${EXTERNAL_ALGORITHMS.length} entries.` }),
    EachItem('isExternalAlgorithm', isAlgorithm, `Must be one of: ${EXTERNAL_ALGORITHMS.join(', ')}.`),
  );
}

function ClockSkewField(): PropertyDecorator {
  return applyDecorators(
    IsInt({ message: 'Must be an integer.' }),
    Min(0, { message: 'Must be at least 0.' }),
    Max(MAX_EXTERNAL_SKEW_SECONDS, { message: `Must be at most ${MAX_EXTERNAL_SKEW_SECONDS}.` }),
  );
}

/** An object built as `type` (@IsObject first: @ValidateNested alone would walk an array's items). */
function NestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsObject({ message: 'Must be an object.' }), ValidateNested(), Type(type));
}

/** POST /v1/admin/issuers */
export class CreateTrustedIssuerDto {
  @ApiProperty({ maxLength: 255, example: 'https://idp.example.com/realms/acme' })
  @IdpUrlField(255)
  issuer!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The organization whose principals it vouches for; none: platform-wide.',
  })
  @IsOptional()
  @TextField(1, 36)
  orgId: string | null = null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1024 })
  @IdpUrlField(1024, true)
  // Checked here (and at this pointer) whatever jwksUri holds, null included.
  @ValidateBy(
    {
      name: 'hasKeySource',
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => {
          const input = args?.object as CreateTrustedIssuerDto;
          return input.jwksUri !== null || input.discovery === true || typeof input.introspection?.endpoint === 'string';
        },
      },
    },
    { message: 'give jwksUri, discovery: true, or an introspection endpoint' },
  )
  jwksUri: string | null = null;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Find jwks_uri (and the introspection endpoint) in the issuer metadata.',
  })
  @IsOmittable()
  @IsBoolean({ message: 'Must be true or false.' })
  discovery = false;

  @ApiProperty({ maxLength: 255 })
  @TextField(1, 255)
  audience!: string;

  @ApiProperty({ enum: EXTERNAL_ALGORITHMS, isArray: true })
  @AlgorithmsField()
  algorithms!: string[];

  @ApiPropertyOptional({ type: ClaimMappingDto })
  @IsOmittable()
  @NestedObject(() => ClaimMappingDto)
  claimMapping: ClaimMappingDto = new ClaimMappingDto();

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_EXTERNAL_SKEW_SECONDS, default: 30 })
  @IsOmittable()
  @ClockSkewField()
  clockSkewSeconds = 30;

  @ApiPropertyOptional({ type: IntrospectionDto, nullable: true })
  @IsOptional()
  @NestedObject(() => IntrospectionDto)
  @ValidateBy(
    {
      name: 'introspectionEndpointKnown',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          !(value instanceof IntrospectionDto) ||
          value.endpoint !== undefined ||
          (args?.object as CreateTrustedIssuerDto).discovery === true,
      },
    },
    { message: 'an introspection client needs an endpoint or discovery: true', context: { at: '/endpoint' } },
  )
  introspection: IntrospectionDto | null = null;
}

/** PATCH /v1/admin/issuers/:id — the issuer URL itself cannot change; create another issuer instead. */
export class UpdateTrustedIssuerDto {
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @TextField(1, 36)
  orgId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1024 })
  @IsOmittable()
  @IdpUrlField(1024, true)
  jwksUri?: string | null;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsBoolean({ message: 'Must be true or false.' })
  discovery?: boolean;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOmittable()
  @TextField(1, 255)
  audience?: string;

  @ApiPropertyOptional({ enum: EXTERNAL_ALGORITHMS, isArray: true })
  @IsOmittable()
  @AlgorithmsField()
  algorithms?: string[];

  @ApiPropertyOptional({ type: ClaimMappingDto })
  @IsOmittable()
  @NestedObject(() => ClaimMappingDto)
  claimMapping?: ClaimMappingDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_EXTERNAL_SKEW_SECONDS })
  @IsOmittable()
  @ClockSkewField()
  clockSkewSeconds?: number;

  @ApiPropertyOptional({ type: IntrospectionDto, nullable: true })
  @IsOptional()
  @NestedObject(() => IntrospectionDto)
  introspection?: IntrospectionDto | null;
}

/** The validated inputs, as the service takes them. */
export type CreateTrustedIssuerInput = CreateTrustedIssuerDto;
export type UpdateTrustedIssuerInput = UpdateTrustedIssuerDto;

/** What the admin API shows of a trusted issuer: never the introspection client secret. */
export interface TrustedIssuerResponse {
  id: string;
  issuer: string;
  orgId: string | null;
  jwksUri: string | null;
  discovery: boolean;
  audience: string;
  algorithms: string[];
  claimMapping: Record<string, string>;
  clockSkewSeconds: number;
  introspection: { endpoint: string | null; clientId: string; clientSecretSet: boolean } | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export function toTrustedIssuerResponse(entity: TrustedIssuerEntity): TrustedIssuerResponse {
  return {
    id: entity.id,
    issuer: entity.issuer,
    orgId: entity.orgId,
    jwksUri: entity.jwksUri,
    discovery: entity.discovery,
    audience: entity.audience,
    algorithms: [...entity.algorithms],
    claimMapping: { ...entity.claimMapping },
    clockSkewSeconds: entity.clockSkewSeconds,
    introspection: entity.introspectionClientId
      ? {
          endpoint: entity.introspectionEndpoint,
          clientId: entity.introspectionClientId,
          clientSecretSet: Boolean(entity.introspectionClientSecret),
        }
      : null,
    status: entity.status,
    createdAt: new Date(entity.createdAt).toISOString(),
    updatedAt: new Date(entity.updatedAt).toISOString(),
  };
}
