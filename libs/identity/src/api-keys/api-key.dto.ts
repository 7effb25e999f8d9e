import { PageMetaDto, PaginationQueryDto } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate } from 'class-validator';
import { IsOmittable, isIsoDateTime, ISO_DATE_TIME_MESSAGE, QueryBoolean } from '@infergate/validation';
import { SCOPES, type Scope } from '@infergate/contracts';
import { NameField, ScopesField } from '../tenancy/tenancy.validation';
import type { ApiKeyEntity } from './api-key.entity';

export const MAX_API_KEY_LIFETIME_DAYS = 366;

/** POST /v1/admin/organizations/:orgId/applications/:appId/api-keys */
export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100 })
  @NameField()
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, description: "A subset of the application's allowed scopes." })
  @ScopesField(1)
  scopes!: Scope[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: `In the future, at most ${MAX_API_KEY_LIFETIME_DAYS} days away (the default).`,
  })
  @IsOmittable()
  // A valid date-time becomes a Date; anything else stays as sent, for @IsDate() to refuse.
  @Transform(({ value }: { value: unknown }) => (isIsoDateTime(value) ? new Date(value) : value), { toClassOnly: true })
  @IsDate({ message: ISO_DATE_TIME_MESSAGE })
  expiresAt?: Date;
}

/** GET /v1/admin/organizations/:orgId/applications/:appId/api-keys */
export class ListApiKeysQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Also list revoked keys.' })
  @QueryBoolean()
  includeRevoked = false;
}

/** The validated inputs, as the service takes them. */
export type CreateApiKey = CreateApiKeyDto;
export type ListApiKeys = ListApiKeysQueryDto;

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
