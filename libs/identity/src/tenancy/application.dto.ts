import { PageMetaDto, PaginationQueryDto } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { EachItem, IsOmittable } from '@infergate/validation';
import { normalizeSubjectAltName } from '../mtls/subject-alt-names';
import type { ApplicationEntity } from './application.entity';
import {
  CLEARANCES,
  CLIENT_AUTH_METHODS,
  SCOPES,
  type ClientAuthMethod,
  type Clearance,
  type EntityStatus,
  type Scope,
} from '@infergate/contracts';
import {
  AuthMethodField,
  CidrsField,
  ClearanceField,
  IdField,
  NameField,
  RegionsField,
  ScopesField,
  StatusField,
} from './tenancy.validation';

/** Members of a JWK that only a private key has; a client's registered JWKS must carry none. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

const isRecord = (item: unknown): item is Record<string, unknown> => item !== null && typeof item === 'object' && !Array.isArray(item);
// A non-object key is reported once, by isJwkObject.
const hasKty = (item: unknown): boolean => !isRecord(item) || typeof item.kty === 'string';
const isPublicJwk = (item: unknown): boolean => !isRecord(item) || PRIVATE_JWK_MEMBERS.every((member) => !(member in item));

/** A client's public keys (RFC 7517 JWK Set), for private_key_jwt. The keys' members are free-form. */
export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, minItems: 1, maxItems: 20 })
  @IsArray({ message: 'Must be an array.' })
  @ArrayMinSize(1, { message: 'Must have at least 1 entry.' })
  @ArrayMaxSize(20, { message: 'Must have at most 20 entries.' })
  @EachItem('isJwkObject', isRecord, 'Must be an object.')
  @EachItem('hasKty', hasKty, 'Every key needs a "kty".')
  @EachItem('isPublicJwk', isPublicJwk, 'Register public keys only.')
  keys!: Record<string, unknown>[];
}

/** The JWKS field: an object checked as a JwksDto (@IsObject first: @ValidateNested would walk an array). */
function JwksField(): PropertyDecorator {
  return (target, key) => {
    IsObject({ message: 'Must be an object.' })(target, key);
    ValidateNested()(target, key);
    Type(() => JwksDto)(target, key);
  };
}

/** SHA-256 thumbprint in base64url: 43 characters. */
function ThumbprintField(): PropertyDecorator {
  return (target, key) => {
    IsString({ message: 'Must be a string.' })(target, key);
    Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'Must be a base64url SHA-256 thumbprint (43 characters).' })(target, key);
  };
}

/**
 * Stored in the normalised form the mTLS matcher compares against (`DNS:` lower-cased, `URI:`, `email:`,
 * `IP Address:`): a valid name is normalised before its checks, an invalid one is left for them to refuse.
 */
function SubjectSanField(): PropertyDecorator {
  return (target, key) => {
    Transform(
      ({ value }: { value: unknown }) =>
        typeof value === 'string' && value.length <= 255 ? (normalizeSubjectAltName(value) ?? value) : value,
      {
        toClassOnly: true,
      },
    )(target, key);
    IsString({ message: 'Must be a string.' })(target, key);
    MaxLength(255, { message: 'Must be at most 255 characters.' })(target, key);
    ValidateBy(
      {
        name: 'isSubjectAltName',
        validator: { validate: (value: unknown) => typeof value === 'string' && normalizeSubjectAltName(value) === value },
      },
      { message: 'Must be a subject alternative name such as DNS:client.example.com or URI:spiffe://…' },
    )(target, key);
  };
}

/** POST /v1/admin/organizations/:orgId/applications */
export class CreateApplicationDto {
  @ApiProperty({ maxLength: 100 })
  @NameField()
  name!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IdField()
  projectId?: string;

  @ApiPropertyOptional({ enum: CLIENT_AUTH_METHODS, default: 'client_secret_basic' })
  @AuthMethodField()
  authMethod: ClientAuthMethod = 'client_secret_basic';

  @ApiPropertyOptional({ enum: SCOPES, isArray: true })
  @ScopesField()
  allowedScopes: Scope[] = [];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'public', description: "At most the organization's maxClearance." })
  @ClearanceField()
  clearance: Clearance = 'public';

  @ApiPropertyOptional({ type: [String] })
  @RegionsField()
  allowedRegions: string[] = [];

  @ApiPropertyOptional({ type: [String] })
  @CidrsField()
  allowedCidrs: string[] = [];

  @ApiPropertyOptional({ type: JwksDto, description: 'Public keys, for private_key_jwt.' })
  @IsOmittable()
  @JwksField()
  jwks?: JwksDto;

  @ApiPropertyOptional({ description: 'SHA-256 thumbprint (base64url) of the client certificate, for tls_client_auth.' })
  @IsOmittable()
  @ThumbprintField()
  tlsCertThumbprint?: string;

  @ApiPropertyOptional({ description: 'Subject alternative name the client certificate must carry, for tls_client_auth.' })
  @IsOmittable()
  @SubjectSanField()
  tlsSubjectSan?: string;
}

/** PATCH /v1/admin/organizations/:orgId/applications/:appId; `null` clears a nullable field. */
export class UpdateApplicationDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOmittable()
  @NameField()
  name?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IdField()
  projectId?: string | null;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true })
  @IsOmittable()
  @ScopesField()
  allowedScopes?: Scope[];

  @ApiPropertyOptional({ enum: CLEARANCES })
  @IsOmittable()
  @ClearanceField()
  clearance?: Clearance;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @RegionsField()
  allowedRegions?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @CidrsField()
  allowedCidrs?: string[];

  @ApiPropertyOptional({ type: JwksDto, nullable: true })
  @IsOptional()
  @JwksField()
  jwks?: JwksDto | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ThumbprintField()
  tlsCertThumbprint?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @SubjectSanField()
  tlsSubjectSan?: string | null;
}

/** GET /v1/admin/organizations/:orgId/applications */
export class ListApplicationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOmittable()
  @StatusField()
  status?: EntityStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IdField()
  projectId?: string;
}

/** The validated inputs, as the service takes them. */
export type CreateApplication = CreateApplicationDto;
export type UpdateApplication = UpdateApplicationDto;
export type ListApplications = ListApplicationsQueryDto;

/** Credentials and network allowlists: the fields a field-level policy is expected to keep from some callers. */
const HIDDEN_BY_POLICY = 'Absent when a field-level policy rule keeps it from the caller.';

/**
 * An application as the admin API shows it: never a secret or a secret's hash, and only the fields
 * the policy set lets the caller read.
 */
export class ApplicationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  projectId!: string | null;

  @ApiProperty()
  clientId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status!: EntityStatus;

  @ApiProperty({ enum: CLIENT_AUTH_METHODS })
  authMethod!: ClientAuthMethod;

  @ApiProperty({ enum: SCOPES, isArray: true })
  allowedScopes!: Scope[];

  @ApiProperty({ enum: CLEARANCES })
  clearance!: Clearance;

  @ApiProperty({ type: [String] })
  allowedRegions!: string[];

  @ApiPropertyOptional({ type: [String], description: HIDDEN_BY_POLICY })
  allowedCidrs?: string[];

  @ApiPropertyOptional({ type: JwksDto, nullable: true, description: HIDDEN_BY_POLICY })
  jwks?: JwksDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: HIDDEN_BY_POLICY })
  tlsCertThumbprint?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: HIDDEN_BY_POLICY })
  tlsSubjectSan?: string | null;

  @ApiProperty({ type: Date, nullable: true, description: 'Until when the previous client secret still works after a rotation.' })
  previousSecretExpiresAt!: Date | null;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  @ApiProperty({ type: Date, nullable: true })
  disabledAt!: Date | null;

  static from(entity: ApplicationEntity): ApplicationDto {
    return {
      id: entity.id,
      orgId: entity.orgId,
      projectId: entity.projectId,
      clientId: entity.clientId,
      name: entity.name,
      status: entity.status,
      authMethod: entity.authMethod,
      allowedScopes: entity.allowedScopes,
      clearance: entity.clearance,
      allowedRegions: entity.allowedRegions,
      allowedCidrs: entity.allowedCidrs,
      jwks: entity.jwks,
      tlsCertThumbprint: entity.tlsCertThumbprint,
      tlsSubjectSan: entity.tlsSubjectSan,
      previousSecretExpiresAt: entity.previousSecretExpiresAt,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
      disabledAt: entity.disabledAt,
    };
  }
}

/** The answer to creating an application: its client secret appears here once, and never again. */
export class CreatedApplicationDto extends ApplicationDto {
  @ApiPropertyOptional({ description: 'Shown once; store it now. Only for client_secret_* methods.' })
  clientSecret?: string;
}

export class RotatedSecretDto {
  @ApiProperty()
  clientId!: string;

  @ApiProperty({ description: 'Shown once; store it now.' })
  clientSecret!: string;

  @ApiProperty({ type: Date, nullable: true, description: 'Until when the previous secret keeps working.' })
  previousSecretExpiresAt!: Date | null;
}

export class ApplicationPageDto extends PageMetaDto {
  @ApiProperty({ type: [ApplicationDto] })
  items!: ApplicationDto[];
}

/**
 * TypeORM's insert/update typing cannot express the free-form JWK members of `jwks`; the value is
 * already validated, so it is written as is.
 */
export function applicationRow(app: Partial<ApplicationEntity>): QueryDeepPartialEntity<ApplicationEntity> {
  return app as QueryDeepPartialEntity<ApplicationEntity>;
}
