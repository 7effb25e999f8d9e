import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { pageOf, RequestValidationException, type Page } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { ACCESS_POLICY, type AccessPolicy, type Principal } from '@infergate/contracts';
import { OrganizationEntity, ProjectEntity, TenancyAccess } from '@infergate/identity';
import { type CreateModel, type ListModels, ModelDto, type UpdateModel } from '../dto/model.dto';
import { ModelVersionEntity } from '../entities/model-version.entity';
import { ModelEntity } from '../entities/model.entity';
import { isUniqueViolation, RegistryConflictException } from '../model-registry.errors';
import { ResolutionCache } from '../resolver/resolution-cache';
import { likeJsonItem, likePrefix } from './like-patterns';
import { RegistryAudit } from './registry-audit';
import { RegistryLookup } from './registry-lookup';

/** Models: create, list (filtered in SQL by the policy), read and change. */
@Injectable()
export class ModelsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly lookup: RegistryLookup,
    private readonly access: TenancyAccess,
    @Inject(ACCESS_POLICY) private readonly policy: AccessPolicy,
    private readonly audit: RegistryAudit,
    private readonly cache: ResolutionCache,
  ) {}

  async create(actor: Principal, input: CreateModel): Promise<ModelDto> {
    const orgId = input.orgId ?? actor.orgId;
    if (!orgId) throw RequestValidationException.at('/orgId', 'Required for a principal without an organization.');
    const now = new Date();
    const model: ModelEntity = {
      id: randomUUID(),
      orgId,
      projectId: input.projectId ?? null,
      name: input.name,
      description: input.description ?? null,
      tags: input.tags,
      owner: input.owner ?? actor.subject,
      sensitivity: input.sensitivity,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    // Decided before anything is looked up, so that callers learn nothing about other organizations.
    this.access.assertMay(actor, 'create', 'Model', { ...model });
    const org = await this.database.repository(OrganizationEntity).findOneBy({ id: orgId });
    if (!org) throw RequestValidationException.at('/orgId', 'No such organization.');
    if (org.status !== 'active') throw new RegistryConflictException('The organization is disabled.');
    if (model.projectId && !(await this.database.repository(ProjectEntity).existsBy({ id: model.projectId, orgId }))) {
      throw RequestValidationException.at('/projectId', 'No such project in this organization.');
    }
    if (await this.lookup.models.existsBy({ orgId, name: model.name })) throw nameTaken(model.name);
    try {
      await this.lookup.models.insert(model);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(model.name);
      throw error;
    }
    this.cache.invalidateAll();
    await this.audit.changed(actor, 'registry.model.created', { type: 'Model', id: model.id }, orgId, {
      name: model.name,
      sensitivity: model.sensitivity,
      projectId: model.projectId,
    });
    return ModelDto.from(model);
  }

  async list(actor: Principal, query: ListModels): Promise<Page<ModelDto>> {
    const rows = this.lookup.models.createQueryBuilder('model');
    if (query.orgId) rows.andWhere('model.orgId = :orgId', { orgId: query.orgId });
    if (query.name) rows.andWhere("model.name LIKE :name ESCAPE '\\'", { name: likePrefix(query.name) });
    if (query.tag) rows.andWhere("model.tags LIKE :tag ESCAPE '\\'", { tag: likeJsonItem(query.tag) });
    if (query.sensitivity) rows.andWhere('model.sensitivity = :sensitivity', { sensitivity: query.sensitivity });
    if (query.status) rows.andWhere('model.status = :status', { status: query.status });
    if (query.projectId) rows.andWhere('model.projectId = :projectId', { projectId: query.projectId });
    if (query.stage) {
      const versions = this.database.dataSource.getMetadata(ModelVersionEntity).tableName;
      rows.andWhere(`EXISTS (SELECT 1 FROM ${versions} v WHERE v.model_id = model.id AND v.stage = :stage)`, { stage: query.stage });
    }
    this.access.restrict(rows, 'model', actor, 'Model');
    return pageOf(rows, 'model', query, (row) => this.view(actor, row), { column: 'name', direction: 'ASC' });
  }

  async get(actor: Principal, reference: string, orgId?: string): Promise<ModelDto> {
    return this.view(actor, await this.lookup.modelFor(actor, 'read', reference, orgId));
  }

  /**
   * Description, tags, owner and sensitivity take `update`; the status (the model's kill switch) takes
   * `update` or `administer`, so that org admins can stop a model they do not publish.
   */
  async update(actor: Principal, reference: string, input: UpdateModel, orgId?: string): Promise<ModelDto> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const fields = Object.keys(input).filter((key) => input[key as keyof UpdateModel] !== undefined);
    const changed: ModelEntity = {
      ...model,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.tags !== undefined ? { tags: input.tags } : {}),
      ...(input.sensitivity !== undefined ? { sensitivity: input.sensitivity } : {}),
      ...(input.owner !== undefined ? { owner: input.owner } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      updatedAt: new Date(),
    };
    if (fields.some((field) => field !== 'status')) {
      this.access.assert(actor, 'update', 'Model', { ...model });
      this.access.assertMay(actor, 'update', 'Model', { ...changed });
    } else if (!this.policy.can(actor, 'update', 'Model', { ...model })) {
      this.access.assert(actor, 'administer', 'Model', { ...model });
    }
    await this.database.dataSource.transaction(async (manager) => {
      const { id, description, tags, sensitivity, owner, status, updatedAt } = changed;
      await manager.update(ModelEntity, { id }, { description, tags, sensitivity, owner, status, updatedAt });
      if (changed.sensitivity !== model.sensitivity) {
        await manager.update(ModelVersionEntity, { modelId: id }, { sensitivity: changed.sensitivity });
      }
    });
    this.cache.invalidateAll();
    await this.audit.changed(actor, statusAction(model, changed), { type: 'Model', id: model.id }, model.orgId, {
      name: model.name,
      fields: fields.join(','),
    });
    return this.view(actor, changed);
  }

  private view(actor: Principal, model: ModelEntity): ModelDto {
    return this.access.readable(actor, 'Model', { ...model }, ModelDto.from(model));
  }
}

function statusAction(before: ModelEntity, after: ModelEntity): string {
  if (before.status === after.status) return 'registry.model.updated';
  return after.status === 'disabled' ? 'registry.model.disabled' : 'registry.model.enabled';
}

function nameTaken(name: string): RegistryConflictException {
  return new RegistryConflictException(`A model named "${name}" already exists in this organization.`);
}
