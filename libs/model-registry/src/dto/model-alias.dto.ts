import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import type { ModelAliasEntity } from '../entities/model-alias.entity';
import { reasonField } from './registry-fields';

export const PROTECTED_ALIASES: readonly string[] = ['production'];

export const putAliasSchema = z.strictObject({
  version: z.number().int().positive(),
  reason: reasonField.optional(),
  /** Only on creation, or to change it (both need `administer`); `production` is always protected. */
  protected: z.boolean().optional(),
});
export type PutAlias = z.output<typeof putAliasSchema>;

export class PutAliasDto {
  @ApiProperty({ description: 'The version number the alias points at.' })
  version!: number;

  @ApiPropertyOptional({ maxLength: 1000 })
  reason?: string;

  @ApiPropertyOptional({ description: 'Protected aliases are moved only by principals allowed to administer the model.' })
  protected?: boolean;
}

export class ModelAliasDto {
  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'uuid' })
  modelId!: string;

  @ApiProperty()
  version!: number;

  @ApiProperty({ format: 'uuid' })
  versionId!: string;

  @ApiProperty()
  protected!: boolean;

  @ApiProperty()
  updatedBy!: string;

  @ApiProperty()
  updatedAt!: Date;

  static from(entity: ModelAliasEntity, version: number): ModelAliasDto {
    return {
      name: entity.name,
      modelId: entity.modelId,
      version,
      versionId: entity.versionId,
      protected: entity.protected,
      updatedBy: entity.updatedBy,
      updatedAt: entity.updatedAt,
    };
  }
}
