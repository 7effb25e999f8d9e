import { PageMetaDto, paginationShape } from '@infergate/common';
import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import type { ProjectEntity } from './project.entity';
import type { EntityStatus } from '@infergate/contracts';
import { nameField } from './tenancy.validation';

export const createProjectSchema = z.strictObject({ name: nameField });
export type CreateProject = z.output<typeof createProjectSchema>;

export const updateProjectSchema = z.strictObject({ name: nameField.optional() });
export type UpdateProject = z.output<typeof updateProjectSchema>;

export const listProjectsSchema = z.strictObject({ ...paginationShape, status: z.enum(['active', 'disabled']).optional() });
export type ListProjects = z.output<typeof listProjectsSchema>;

export class CreateProjectDto {
  @ApiProperty({ maxLength: 100, example: 'fraud-detection' })
  name!: string;
}

export class UpdateProjectDto {
  @ApiProperty({ maxLength: 100, required: false })
  name?: string;
}

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
