import { PageMetaDto, paginationShape } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { z } from 'zod';
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
import { authMethodField, cidrsField, clearanceField, idField, nameField, regionsField, scopesField } from './tenancy.validation';

/** Members of a JWK that only a private key has; a client's registered JWKS must carry none. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

const jwkField = z
  .record(z.string(), z.unknown())
  .refine((jwk) => typeof jwk.kty === 'string', 'Every key needs a "kty".')
  .refine((jwk) => PRIVATE_JWK_MEMBERS.every((member) => !(member in jwk)), 'Register public keys only.');
export const jwksField = z.strictObject({ keys: z.array(jwkField).min(1).max(20) });

/** SHA-256 thumbprint in base64url: 43 characters. */
export const thumbprintField = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Must be a base64url SHA-256 thumbprint (43 characters).');
/** Stored in the normalised form the mTLS matcher compares against (`DNS:` lower-cased, `URI:`, `email:`, `IP Address:`). */
export const subjectSanField = z
  .string()
  .max(255)
  .transform((value, context) => {
    const normalised = normalizeSubjectAltName(value);
    if (normalised === undefined) {
      context.addIssue({ code: 'custom', message: 'Must be a subject alternative name such as DNS:client.example.com or URI:spiffe://…' });
      return z.NEVER;
    }
    return normalised;
  });

export const createApplicationSchema = z.strictObject({
  name: nameField,
  projectId: idField.optional(),
  authMethod: authMethodField.default('client_secret_basic'),
  allowedScopes: scopesField.default([]),
  clearance: clearanceField.default('public'),
  allowedRegions: regionsField.default([]),
  allowedCidrs: cidrsField.default([]),
  jwks: jwksField.optional(),
  tlsCertThumbprint: thumbprintField.optional(),
  tlsSubjectSan: subjectSanField.optional(),
});
export type CreateApplication = z.output<typeof createApplicationSchema>;

export const updateApplicationSchema = z.strictObject({
  name: nameField.optional(),
  projectId: idField.nullable().optional(),
  allowedScopes: scopesField.optional(),
  clearance: clearanceField.optional(),
  allowedRegions: regionsField.optional(),
  allowedCidrs: cidrsField.optional(),
  jwks: jwksField.nullable().optional(),
  tlsCertThumbprint: thumbprintField.nullable().optional(),
  tlsSubjectSan: subjectSanField.nullable().optional(),
});
export type UpdateApplication = z.output<typeof updateApplicationSchema>;

export const listApplicationsSchema = z.strictObject({
  ...paginationShape,
  status: z.enum(['active', 'disabled']).optional(),
  projectId: idField.optional(),
});
export type ListApplications = z.output<typeof listApplicationsSchema>;

export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  keys!: Record<string, unknown>[];
}

export class CreateApplicationDto {
  @ApiProperty({ maxLength: 100 })
  name!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  projectId?: string;

  @ApiPropertyOptional({ enum: CLIENT_AUTH_METHODS, default: 'client_secret_basic' })
  authMethod?: ClientAuthMethod;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true })
  allowedScopes?: Scope[];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'public', description: "At most the organization's maxClearance." })
  clearance?: Clearance;

  @ApiPropertyOptional({ type: [String] })
  allowedRegions?: string[];

  @ApiPropertyOptional({ type: [String] })
  allowedCidrs?: string[];

  @ApiPropertyOptional({ type: JwksDto, description: 'Public keys, for private_key_jwt.' })
  jwks?: JwksDto;

  @ApiPropertyOptional({ description: 'SHA-256 thumbprint (base64url) of the client certificate, for tls_client_auth.' })
  tlsCertThumbprint?: string;

  @ApiPropertyOptional({ description: 'Subject alternative name the client certificate must carry, for tls_client_auth.' })
  tlsSubjectSan?: string;
}

export class UpdateApplicationDto {
  @ApiPropertyOptional({ maxLength: 100 })
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  projectId?: string | null;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true })
  allowedScopes?: Scope[];

  @ApiPropertyOptional({ enum: CLEARANCES })
  clearance?: Clearance;

  @ApiPropertyOptional({ type: [String] })
  allowedRegions?: string[];

  @ApiPropertyOptional({ type: [String] })
  allowedCidrs?: string[];

  @ApiPropertyOptional({ type: JwksDto, nullable: true })
  jwks?: JwksDto | null;

  @ApiPropertyOptional({ nullable: true })
  tlsCertThumbprint?: string | null;

  @ApiPropertyOptional({ nullable: true })
  tlsSubjectSan?: string | null;
}

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
