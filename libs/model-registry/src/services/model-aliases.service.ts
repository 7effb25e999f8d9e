import { Inject, Injectable } from '@nestjs/common';
import { RequestValidationException, ResourceNotFoundException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { ACCESS_POLICY, type AccessPolicy, type Principal } from '@infergate/contracts';
import { TenancyAccess } from '@infergate/identity';
import { ModelAliasDto, PROTECTED_ALIASES, type PutAlias } from '../dto/model-alias.dto';
import { aliasNameProblem } from '../dto/registry-fields';
import { ModelAliasEntity } from '../entities/model-alias.entity';
import { ModelVersionEntity } from '../entities/model-version.entity';
import type { ModelEntity } from '../entities/model.entity';
import { RegistryConflictException } from '../model-registry.errors';
import { ResolutionCache } from '../resolver/resolution-cache';
import { actorName, RegistryAudit } from './registry-audit';
import { RegistryLookup } from './registry-lookup';

/**
 * Aliases of a model. Moving an ordinary alias takes `publish` (or `administer`) on the model; a
 * protected one (`production` always) takes `administer`, as does making an alias protected or not.
 */
@Injectable()
export class ModelAliasesService {
  constructor(
    private readonly database: DatabaseService,
    private readonly lookup: RegistryLookup,
    private readonly access: TenancyAccess,
    @Inject(ACCESS_POLICY) private readonly policy: AccessPolicy,
    private readonly audit: RegistryAudit,
    private readonly cache: ResolutionCache,
  ) {}

  private get aliases() {
    return this.database.repository(ModelAliasEntity);
  }

  async list(actor: Principal, reference: string, orgId?: string): Promise<ModelAliasDto[]> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const rows = await this.aliases
      .createQueryBuilder('alias')
      .innerJoin(ModelVersionEntity, 'version', 'version.id = alias.versionId')
      .addSelect('version.version', 'number')
      .where('alias.modelId = :modelId', { modelId: model.id })
      .orderBy('alias.name', 'ASC')
      .getRawAndEntities<{ number: number | string }>();
    return rows.entities.map((alias, index) => ModelAliasDto.from(alias, Number(rows.raw[index].number)));
  }

  async put(actor: Principal, reference: string, name: string, input: PutAlias, orgId?: string): Promise<ModelAliasDto> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const problem = aliasNameProblem(name);
    if (problem) throw RequestValidationException.at('', `The alias name in the path is not valid: ${problem}`);
    const aliasName = name;
    const existing = await this.aliases.findOneBy({ modelId: model.id, name: aliasName });
    const alwaysProtected = PROTECTED_ALIASES.includes(aliasName);
    if (alwaysProtected && input.protected === false)
      throw RequestValidationException.at('/protected', `"${aliasName}" is always protected.`);
    const wasProtected = alwaysProtected || (existing?.protected ?? false);
    const protect = alwaysProtected || (input.protected ?? existing?.protected ?? false);
    this.assertMayMove(actor, model, wasProtected || protect);

    const target = await this.lookup.versions.findOneBy({ modelId: model.id, version: input.version });
    if (!target) throw RequestValidationException.at('/version', 'No such version of this model.');
    this.access.assert(actor, 'read', 'ModelVersion', { ...target });
    if (target.stage === 'draft' || target.stage === 'archived') {
      throw new RegistryConflictException(
        `An alias cannot point at a ${target.stage} version; a draft is called by its number only (move it to staging first).`,
      );
    }
    const previous = existing ? await this.lookup.versions.findOneBy({ id: existing.versionId }) : null;
    const alias: ModelAliasEntity = {
      modelId: model.id,
      name: aliasName,
      versionId: target.id,
      protected: protect,
      updatedBy: actorName(actor),
      updatedAt: new Date(),
    };
    await this.aliases.save(alias);
    this.cache.invalidateAll();
    await this.audit.changed(
      actor,
      'registry.alias.moved',
      { type: 'ModelAlias', id: `${model.id}/${aliasName}` },
      model.orgId,
      { model: model.name, alias: aliasName, from: previous?.version ?? null, to: target.version, protected: protect },
      input.reason,
    );
    return ModelAliasDto.from(alias, target.version);
  }

  async remove(actor: Principal, reference: string, name: string, reason?: string, orgId?: string): Promise<void> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const aliasName = name;
    const existing = aliasNameProblem(name) === null ? await this.aliases.findOneBy({ modelId: model.id, name: aliasName }) : null;
    if (!existing) throw new ResourceNotFoundException();
    this.assertMayMove(actor, model, existing.protected || PROTECTED_ALIASES.includes(aliasName));
    await this.aliases.delete({ modelId: model.id, name: aliasName });
    this.cache.invalidateAll();
    await this.audit.changed(
      actor,
      'registry.alias.deleted',
      { type: 'ModelAlias', id: `${model.id}/${aliasName}` },
      model.orgId,
      { model: model.name, alias: aliasName },
      reason,
    );
  }

  private assertMayMove(actor: Principal, model: ModelEntity, isProtected: boolean): void {
    if (!isProtected && this.policy.can(actor, 'publish', 'Model', { ...model })) return;
    this.access.assert(actor, 'administer', 'Model', { ...model });
  }
}
