import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DatabaseService } from '@infergate/database';
import type { Principal } from '../principal';
import { OrganizationsService } from './organizations.service';
import type { Page } from './page.dto';
import { CreateProject, ListProjects, ProjectDto, UpdateProject } from './project.dto';
import { ProjectEntity } from './project.entity';
import { TenancyAudit } from './tenancy-audit';
import { isUniqueViolation, TenancyNotFoundException, TenancyConflictException } from './tenancy.errors';

/** Projects within an organization, administered by its org admins. */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly organizations: OrganizationsService,
    private readonly audit: TenancyAudit,
  ) {}

  private get repository() {
    return this.database.repository(ProjectEntity);
  }

  async create(actor: Principal, orgId: string, input: CreateProject): Promise<ProjectDto> {
    const org = await this.organizations.findWritable(actor, orgId);
    if (org.status !== 'active') throw new TenancyConflictException('The organization is disabled.');
    const now = new Date();
    const project: ProjectEntity = { id: randomUUID(), orgId, name: input.name, status: 'active', createdAt: now, updatedAt: now };
    await this.assertNameFree(orgId, project.name);
    try {
      await this.repository.insert(project);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(project.name);
      throw error;
    }
    await this.audit.changed(actor, 'tenancy.project.created', { type: 'Project', id: project.id }, orgId, { name: project.name });
    return ProjectDto.from(project);
  }

  async list(actor: Principal, orgId: string, query: ListProjects): Promise<Page<ProjectDto>> {
    await this.organizations.findReadable(actor, orgId);
    const [rows, total] = await this.repository.findAndCount({
      where: { orgId, ...(query.status ? { status: query.status } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: rows.map((row) => ProjectDto.from(row)), total, limit: query.limit, offset: query.offset };
  }

  async get(actor: Principal, orgId: string, id: string): Promise<ProjectDto> {
    await this.organizations.findReadable(actor, orgId);
    return ProjectDto.from(await this.find(orgId, id));
  }

  async update(actor: Principal, orgId: string, id: string, input: UpdateProject): Promise<ProjectDto> {
    await this.organizations.findReadable(actor, orgId);
    const project = await this.find(orgId, id);
    await this.organizations.findWritable(actor, orgId);
    if (input.name !== undefined && input.name !== project.name) await this.assertNameFree(orgId, input.name);
    const changes = { ...(input.name !== undefined ? { name: input.name } : {}), updatedAt: new Date() };
    try {
      await this.repository.update({ id, orgId }, changes);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name ?? project.name);
      throw error;
    }
    await this.audit.changed(actor, 'tenancy.project.updated', { type: 'Project', id }, orgId, { fields: Object.keys(input).join(',') });
    return ProjectDto.from({ ...project, ...changes });
  }

  async disable(actor: Principal, orgId: string, id: string): Promise<ProjectDto> {
    return this.setStatus(actor, orgId, id, 'disabled');
  }

  async enable(actor: Principal, orgId: string, id: string): Promise<ProjectDto> {
    return this.setStatus(actor, orgId, id, 'active');
  }

  /** A project of the organization, or 404; for services that already checked access to the organization. */
  async find(orgId: string, id: string): Promise<ProjectEntity> {
    const project = await this.repository.findOneBy({ id, orgId });
    if (!project) throw new TenancyNotFoundException();
    return project;
  }

  private async setStatus(actor: Principal, orgId: string, id: string, status: ProjectEntity['status']): Promise<ProjectDto> {
    await this.organizations.findReadable(actor, orgId);
    const project = await this.find(orgId, id);
    await this.organizations.findWritable(actor, orgId);
    const updatedAt = new Date();
    await this.repository.update({ id, orgId }, { status, updatedAt });
    await this.audit.changed(actor, `tenancy.project.${status === 'active' ? 'enabled' : 'disabled'}`, { type: 'Project', id }, orgId);
    return ProjectDto.from({ ...project, status, updatedAt });
  }

  private async assertNameFree(orgId: string, name: string): Promise<void> {
    if (await this.repository.existsBy({ orgId, name })) throw nameTaken(name);
  }
}

function nameTaken(name: string): TenancyConflictException {
  return new TenancyConflictException(`A project named "${name}" already exists in this organization.`);
}
