import { Injectable } from '@nestjs/common';
import { ResourceNotFoundException, Page, pageOf } from '@infergate/common';
import { randomUUID } from 'node:crypto';
import { DatabaseService } from '@infergate/database';
import type { PolicyAction, Principal } from '@infergate/contracts';
import { OrganizationsService } from './organizations.service';
import { CreateProject, ListProjects, ProjectDto, UpdateProject } from './project.dto';
import { ProjectEntity } from './project.entity';
import { TenancyAccess } from './tenancy-access';
import { TenancyAudit } from './tenancy-audit';
import { isUniqueViolation, TenancyConflictException } from './tenancy.errors';

/** Projects within an organization; the policy set says who administers them (by default its org admins). */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly organizations: OrganizationsService,
    private readonly access: TenancyAccess,
    private readonly audit: TenancyAudit,
  ) {}

  private get repository() {
    return this.database.repository(ProjectEntity);
  }

  async create(actor: Principal, orgId: string, input: CreateProject): Promise<ProjectDto> {
    const org = await this.organizations.findReadable(actor, orgId);
    const now = new Date();
    const project: ProjectEntity = { id: randomUUID(), orgId, name: input.name, status: 'active', createdAt: now, updatedAt: now };
    this.access.assertMay(actor, 'create', 'Project', project);
    if (org.status !== 'active') throw new TenancyConflictException('The organization is disabled.');
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
    const rows = this.repository.createQueryBuilder('project').where('project.orgId = :orgId', { orgId });
    if (query.status) rows.andWhere('project.status = :status', { status: query.status });
    this.access.restrict(rows, 'project', actor, 'Project');
    return pageOf(rows, 'project', query, (row) => ProjectDto.from(row));
  }

  async get(actor: Principal, orgId: string, id: string): Promise<ProjectDto> {
    return ProjectDto.from(await this.findFor(actor, 'read', orgId, id));
  }

  async update(actor: Principal, orgId: string, id: string, input: UpdateProject): Promise<ProjectDto> {
    const project = await this.findFor(actor, 'update', orgId, id);
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

  /**
   * The project, when the caller may `action` it: 404 when it, or its organization, is missing or
   * out of sight; 403 when it is only readable.
   */
  async findFor(actor: Principal, action: PolicyAction, orgId: string, id: string): Promise<ProjectEntity> {
    await this.organizations.findReadable(actor, orgId);
    const project = await this.find(orgId, id);
    this.access.assert(actor, action, 'Project', project);
    return project;
  }

  /** A project of the organization, or 404; for services that already checked access to the organization. */
  async find(orgId: string, id: string): Promise<ProjectEntity> {
    const project = await this.repository.findOneBy({ id, orgId });
    if (!project) throw new ResourceNotFoundException();
    return project;
  }

  private async setStatus(actor: Principal, orgId: string, id: string, status: ProjectEntity['status']): Promise<ProjectDto> {
    const project = await this.findFor(actor, 'update', orgId, id);
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
