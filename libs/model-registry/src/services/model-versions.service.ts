import { Inject, Injectable } from '@nestjs/common';
import Ajv from 'ajv';
import { randomUUID } from 'node:crypto';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { pageOf, RequestValidationException, type Page } from '@infergate/common';
import { ACCESS_POLICY, type AccessPolicy, type Principal } from '@infergate/contracts';
import { TenancyAccess } from '@infergate/identity';
import { type CreateVersion, type ListVersions, type ModelVersionView, type UpdateVersion, versionView } from '../dto/model-version.dto';
import { EndpointValidator } from '../endpoint/endpoint.validator';
import { EndpointVault } from '../endpoint/endpoint-vault';
import { ModelVersionEntity } from '../entities/model-version.entity';
import type { ModelEntity } from '../entities/model.entity';
import { isUniqueViolation } from '../model-registry.errors';
import { ResolutionCache } from '../resolver/resolution-cache';
import { RegistryAudit } from './registry-audit';
import { RegistryLookup } from './registry-lookup';

const NUMBERING_ATTEMPTS = 5;

/** Versions of a model: registration (numbered per model), listing, reading and changing. */
@Injectable()
export class ModelVersionsService {
  constructor(
    private readonly lookup: RegistryLookup,
    private readonly access: TenancyAccess,
    @Inject(ACCESS_POLICY) private readonly policy: AccessPolicy,
    private readonly endpoints: EndpointValidator,
    private readonly vault: EndpointVault,
    private readonly audit: RegistryAudit,
    private readonly cache: ResolutionCache,
  ) {}

  async create(actor: Principal, reference: string, input: CreateVersion, orgId?: string): Promise<ModelVersionView> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const now = new Date();
    const draft: Omit<ModelVersionEntity, 'endpointSealed' | 'version'> = {
      id: randomUUID(),
      modelId: model.id,
      orgId: model.orgId,
      projectId: model.projectId,
      sensitivity: model.sensitivity,
      stage: 'draft',
      status: 'active',
      inputContract: input.inputContract,
      outputSchema: input.outputSchema,
      piiRule: input.piiRule,
      backend: input.backend,
      region: input.region,
      cost: input.cost,
      deprecation: null,
      createdAt: now,
      updatedAt: now,
    };
    this.access.assertMay(actor, 'create', 'ModelVersion', { ...draft, version: 0 });
    if (input.outputSchema) this.assertCompiles(input.outputSchema, '/outputSchema');
    const endpoint = await this.endpoints.validate(input.endpoint);
    const endpointSealed = this.vault.seal(draft.id, endpoint);
    let row: ModelVersionEntity | undefined;
    for (let attempt = 0; !row; attempt += 1) {
      const candidate = { ...draft, endpointSealed, version: (await this.highestVersion(model.id)) + 1 };
      try {
        // The JSON columns' types are deeper than TypeORM's partial-entity typing follows.
        await this.lookup.versions.insert(candidate as QueryDeepPartialEntity<ModelVersionEntity>);
        row = candidate;
      } catch (error) {
        // Two registrations raced for the same number: take the next one.
        if (!isUniqueViolation(error) || attempt + 1 >= NUMBERING_ATTEMPTS) throw error;
      }
    }
    this.cache.invalidateAll();
    await this.audit.changed(actor, 'registry.version.created', { type: 'ModelVersion', id: row.id }, model.orgId, {
      model: model.name,
      version: row.version,
      backend: row.backend,
      region: row.region,
    });
    return this.view(actor, row, endpoint);
  }

  async list(actor: Principal, reference: string, query: ListVersions, orgId?: string): Promise<Page<ModelVersionView>> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const rows = this.lookup.versions.createQueryBuilder('version').where('version.modelId = :modelId', { modelId: model.id });
    if (query.stage) rows.andWhere('version.stage = :stage', { stage: query.stage });
    if (query.status) rows.andWhere('version.status = :status', { status: query.status });
    this.access.restrict(rows, 'version', actor, 'ModelVersion');
    return pageOf(rows, 'version', query, (row) => this.view(actor, row), { column: 'version', direction: 'DESC' });
  }

  async get(actor: Principal, reference: string, version: string, orgId?: string): Promise<ModelVersionView> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    return this.view(actor, await this.lookup.versionFor(actor, 'read', model, version));
  }

  /**
   * Deprecation and endpoint take `update`; the status alone takes `update` or `administer` (an org
   * admin may switch a version off). The endpoint is replaced whole, and validated like a new one.
   */
  async update(actor: Principal, reference: string, version: string, input: UpdateVersion, orgId?: string): Promise<ModelVersionView> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const row = await this.lookup.versionFor(actor, 'read', model, version);
    const fields = Object.keys(input).filter((key) => input[key as keyof UpdateVersion] !== undefined);
    if (fields.some((field) => field !== 'status')) {
      this.access.assert(actor, 'update', 'ModelVersion', { ...row });
    } else if (!this.policy.can(actor, 'update', 'ModelVersion', { ...row })) {
      this.access.assert(actor, 'administer', 'ModelVersion', { ...row });
    }
    if (input.deprecation?.successorVersion !== undefined) await this.assertSuccessor(model, row, input.deprecation.successorVersion);
    const endpoint = input.endpoint ? await this.endpoints.validate(input.endpoint) : this.vault.open(row.id, row.endpointSealed);
    const changed: ModelVersionEntity = {
      ...row,
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.deprecation !== undefined ? { deprecation: input.deprecation } : {}),
      ...(input.endpoint ? { endpointSealed: this.vault.seal(row.id, endpoint) } : {}),
      updatedAt: new Date(),
    };
    await this.lookup.versions.update(
      { id: row.id },
      { status: changed.status, deprecation: changed.deprecation, endpointSealed: changed.endpointSealed, updatedAt: changed.updatedAt },
    );
    this.cache.invalidateAll();
    await this.audit.changed(actor, 'registry.version.updated', { type: 'ModelVersion', id: row.id }, model.orgId, {
      model: model.name,
      version: row.version,
      fields: fields.join(','),
      ...(input.status !== undefined ? { status: input.status } : {}),
    });
    return this.view(actor, changed, endpoint);
  }

  /** The version as this caller may see it: field-level rules drop what the policy keeps from it. */
  view(actor: Principal, row: ModelVersionEntity, endpoint = this.vault.open(row.id, row.endpointSealed)): ModelVersionView {
    const full = versionView(row, endpoint);
    return this.access.readable(actor, 'ModelVersion', { ...full }, full);
  }

  private async highestVersion(modelId: string): Promise<number> {
    const result = await this.lookup.versions
      .createQueryBuilder('version')
      .select('MAX(version.version)', 'highest')
      .where('version.modelId = :modelId', { modelId })
      .getRawOne<{ highest: number | string | null }>();
    return Number(result?.highest ?? 0);
  }

  private async assertSuccessor(model: ModelEntity, row: ModelVersionEntity, successor: number): Promise<void> {
    if (successor === row.version) throw RequestValidationException.at('/deprecation/successorVersion', 'A version cannot succeed itself.');
    if (!(await this.lookup.versions.existsBy({ modelId: model.id, version: successor }))) {
      throw RequestValidationException.at('/deprecation/successorVersion', 'No such version of this model.');
    }
  }

  private assertCompiles(schema: Record<string, unknown>, pointer: string): void {
    try {
      // A fresh instance each time: registrations are rare, and schema ids must not collide across versions.
      new Ajv({ strict: false }).compile(schema);
    } catch {
      throw RequestValidationException.at(pointer, 'Must be a valid JSON Schema.');
    }
  }
}
