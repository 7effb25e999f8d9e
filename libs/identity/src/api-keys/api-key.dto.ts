import { PageMetaDto, paginationShape } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { SCOPES, type Scope } from '@infergate/contracts';
import { nameField, scopesField } from '../tenancy/tenancy.validation';
import type { ApiKeyEntity } from './api-key.entity';

export const MAX_API_KEY_LIFETIME_DAYS = 366;

export const createApiKeySchema = z.strictObject({
  name: nameField,
  scopes: scopesField.min(1, 'At least one scope.'),
  expiresAt: z.iso
    .datetime({ offset: true, message: 'Must be an ISO 8601 date-time, such as 2026-01-31T00:00:00Z.' })
    .transform((value) => new Date(value))
    .optional(),
});
export type CreateApiKey = z.output<typeof createApiKeySchema>;

export const listApiKeysSchema = z.strictObject({
  ...paginationShape,
  includeRevoked: z.enum(['true', 'false']).default('false'),
});
export type ListApiKeys = z.output<typeof listApiKeysSchema>;

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100 })
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, description: "A subset of the application's allowed scopes." })
  scopes!: Scope[];

  @ApiPropertyOptional({ format: 'date-time', description: `In the future, at most ${MAX_API_KEY_LIFETIME_DAYS} days away (the default).` })
  expiresAt?: string;
}

/** An API key as listed: never the key or its hash. */
export class ApiKeyDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ description: 'The public part of the key, to recognise it: ig_<id>.' })
  prefix!: string;

  @ApiProperty({ format: 'uuid' })
  applicationId!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes!: Scope[];

  @ApiProperty({ type: Date, nullable: true })
  expiresAt!: Date | null;

  @ApiProperty({ type: Date, nullable: true })
  revokedAt!: Date | null;

  @ApiProperty({ type: Date, nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt!: Date | null;

  @ApiProperty()
  createdAt!: Date;

  static from(entity: ApiKeyEntity): ApiKeyDto {
    return {
      id: entity.id,
      prefix: `ig_${entity.id}`,
      applicationId: entity.applicationId,
      orgId: entity.orgId,
      name: entity.name,
      scopes: entity.scopes,
      expiresAt: entity.expiresAt,
      revokedAt: entity.revokedAt,
      lastUsedAt: entity.lastUsedAt,
      createdAt: entity.createdAt,
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key, shown once: send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`.' })
  key!: string;
}

export class ApiKeyPageDto extends PageMetaDto {
  @ApiProperty({ type: [ApiKeyDto] })
  items!: ApiKeyDto[];
}
