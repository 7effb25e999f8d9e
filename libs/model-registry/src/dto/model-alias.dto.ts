import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsPositive } from 'class-validator';
import type { ModelAliasEntity } from '../entities/model-alias.entity';
import { Absentable, ReasonField } from './registry-fields';

export const PROTECTED_ALIASES: readonly string[] = ['production'];

export class PutAliasDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The version number the alias points at.' })
  @IsPositive({ message: 'Must be positive.' })
  @IsInt({ message: 'Must be an integer.' })
  version!: number;

  @ApiPropertyOptional({ maxLength: 1000 })
  @Absentable()
  @ReasonField()
  reason?: string;

  /** Only on creation, or to change it (both need `administer`); `production` is always protected. */
  @ApiPropertyOptional({ description: 'Protected aliases are moved only by principals allowed to administer the model.' })
  @Absentable()
  @IsBoolean({ message: 'Must be a boolean.' })
  protected?: boolean;
}
export type PutAlias = PutAliasDto;

/** `DELETE .../aliases/{alias}?reason=`: why, for the audit trail. */
export class DeleteAliasQueryDto {
  @ApiPropertyOptional({ maxLength: 1000 })
  @Absentable()
  @ReasonField()
  reason?: string;
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
