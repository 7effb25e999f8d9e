import { PageMetaDto, PaginationQueryDto } from '@infergate/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable } from '@infergate/validation';
import type { ProjectEntity } from './project.entity';
import type { EntityStatus } from '@infergate/contracts';
import { NameField, StatusField } from './tenancy.validation';

/** POST /v1/admin/organizations/:orgId/projects */
export class CreateProjectDto {
  @ApiProperty({ maxLength: 100, example: 'fraud-detection' })
  @NameField()
  name!: string;
}

/** PATCH /v1/admin/organizations/:orgId/projects/:projectId */
export class UpdateProjectDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOmittable()
  @NameField()
  name?: string;
}

/** GET /v1/admin/organizations/:orgId/projects */
export class ListProjectsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOmittable()
  @StatusField()
  status?: EntityStatus;
}

/** The validated inputs, as the service takes them. */
export type CreateProject = CreateProjectDto;
export type UpdateProject = UpdateProjectDto;
export type ListProjects = ListProjectsQueryDto;

export class ProjectDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status!: EntityStatus;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static from(entity: ProjectEntity): ProjectDto {
    return {
      id: entity.id,
      orgId: entity.orgId,
      name: entity.name,
      status: entity.status,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    };
  }
}

export class ProjectPageDto extends PageMetaDto {
  @ApiProperty({ type: [ProjectDto] })
  items!: ProjectDto[];
}
