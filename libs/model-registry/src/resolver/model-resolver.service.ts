import { Inject, Injectable } from '@nestjs/common';
import { ProblemException, ResourceNotFoundException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { ACCESS_POLICY, type AccessPolicy, type Principal } from '@infergate/contracts';
import { TenancyAccess } from '@infergate/identity';
import { EndpointVault } from '../endpoint/endpoint-vault';
import { ModelAliasEntity } from '../entities/model-alias.entity';
import { ModelVersionEntity } from '../entities/model-version.entity';
import type { ModelEntity } from '../entities/model.entity';
import { DataResidencyException } from '../model-registry.errors';
import type { ModelResolver, ResolvedModelVersion, VersionReference } from '../model-registry.types';
import { RegistryLookup } from '../services/registry-lookup';
import { ResolutionCache } from './resolution-cache';

export const DEFAULT_ALIAS = 'production';

/** What the cache keeps per (organization, model, reference): the resolution and the rows the checks need. */
export interface CachedResolution {
  model: Record<string, unknown>;
  version: Record<string, unknown>;
  resolved: ResolvedModelVersion;
}

/**
 * The registry's port for the inference proxy (MODEL_RESOLVER). Lookups are cached for a few seconds;
 * the principal's `read` and `infer` checks run on every call against the cached rows.
 */
@Injectable()
export class ModelResolverService implements ModelResolver {
  constructor(
    private readonly database: DatabaseService,
    private readonly lookup: RegistryLookup,
    private readonly access: TenancyAccess,
    @Inject(ACCESS_POLICY) private readonly policy: AccessPolicy,
    private readonly vault: EndpointVault,
    private readonly cache: ResolutionCache<CachedResolution>,
  ) {}

  async resolve(principal: Principal, model: string, reference?: VersionReference): Promise<ResolvedModelVersion> {
    const key = cacheKeyOf(principal.orgId, model, reference);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = await this.load(principal.orgId, model, reference);
      this.cache.set(key, entry);
    }
    this.authorize(principal, entry);
    return entry.resolved;
  }

  private authorize(principal: Principal, { model, version, resolved }: CachedResolution): void {
    this.access.assert(principal, 'read', 'Model', model);
    this.access.assert(principal, 'read', 'ModelVersion', version);
    this.access.assert(principal, 'infer', 'Model', model);
    try {
      this.access.assert(principal, 'infer', 'ModelVersion', version);
    } catch (error) {
      const region = resolved.version.region;
      if (error instanceof ProblemException && error.status === 403 && region !== null && !principal.allowedRegions.includes(region)) {
        throw new DataResidencyException(region);
      }
      throw error;
    }
  }

  private async load(orgId: string | null, reference: string, version: VersionReference): Promise<CachedResolution> {
    const model = await this.lookup.findModel(reference, orgId);
    if (!model) throw new ResourceNotFoundException();
    const row = await this.pickVersion(model, version);
    if (!row || row.stage === 'archived') throw new ResourceNotFoundException();
    // A draft is reachable by its number only, never through an alias or the default.
    if (row.stage === 'draft' && (version === undefined || 'alias' in version)) throw new ResourceNotFoundException();
    const resolved: ResolvedModelVersion = deepFreeze({
      cacheKey: `${row.id}:${row.updatedAt.getTime()}:${model.updatedAt.getTime()}`,
      model: { id: model.id, orgId: model.orgId, projectId: model.projectId, name: model.name, sensitivity: model.sensitivity },
      version: {
        id: row.id,
        version: row.version,
        stage: row.stage,
        region: row.region,
        backend: row.backend,
        endpoint: this.vault.open(row.id, row.endpointSealed),
        inputContract: row.inputContract,
        outputSchema: row.outputSchema,
        piiRule: row.piiRule,
        cost: row.cost,
        deprecation: row.deprecation,
      },
      resolvedBy: version && 'version' in version ? { version: version.version } : { alias: version?.alias ?? DEFAULT_ALIAS },
    });
    // What the policy conditions look at; the documents and the sealed endpoint stay out of the checks.
    const versionFacts = {
      id: row.id,
      modelId: row.modelId,
      orgId: row.orgId,
      projectId: row.projectId,
      version: row.version,
      stage: row.stage,
      status: row.status,
      region: row.region,
      sensitivity: row.sensitivity,
    };
    return { model: { ...model }, version: versionFacts, resolved };
  }

  /** The explicit version; else the alias; else `production`, falling back to the newest version in stage production. */
  private async pickVersion(model: ModelEntity, reference: VersionReference): Promise<ModelVersionEntity | null> {
    const versions = this.database.repository(ModelVersionEntity);
    if (reference && 'version' in reference) return versions.findOneBy({ modelId: model.id, version: reference.version });
    const aliasName = reference?.alias ?? DEFAULT_ALIAS;
    const alias = await this.database.repository(ModelAliasEntity).findOneBy({ modelId: model.id, name: aliasName });
    if (alias) return versions.findOneBy({ id: alias.versionId });
    if (reference) return null;
    return versions.findOne({ where: { modelId: model.id, stage: 'production' }, order: { version: 'DESC' } });
  }
}

function cacheKeyOf(orgId: string | null, model: string, reference: VersionReference): string {
  const ref = reference === undefined ? '' : 'version' in reference ? `v:${reference.version}` : `a:${reference.alias}`;
  return JSON.stringify([orgId, model, ref]);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
