import { Injectable } from '@nestjs/common';
import { type Clearance } from '@infergate/contracts';
import { SYSTEM_PRINCIPAL } from '@infergate/identity';
import { validatePlain, type InputContract, type PiiRule } from '@infergate/validation';
import { CreateModelDto, type ModelDto } from '../dto/model.dto';
import { CreateVersionDto } from '../dto/model-version.dto';
import { RegistryConflictException } from '../model-registry.errors';
import type { ModelBackend, ModelCost, ModelEndpoint } from '../model-registry.types';
import { ModelAliasesService } from './model-aliases.service';
import { ModelVersionsService } from './model-versions.service';
import { ModelsService } from './models.service';
import { RegistryLookup } from './registry-lookup';
import { StageTransitionsService } from './stage-transitions.service';

/** A model registered by the gateway itself (the bundled demo model, fixtures). */
export interface EnsureModelInput {
  orgId: string;
  name: string;
  description?: string;
  tags?: string[];
  sensitivity?: Clearance;
  projectId?: string | null;
  version: {
    backend: ModelBackend;
    endpoint: ModelEndpoint;
    inputContract?: InputContract;
    outputSchema?: Record<string, unknown> | null;
    piiRule?: PiiRule | null;
    region?: string | null;
    cost?: ModelCost;
  };
  /** Why the version is promoted, for the audit trail. */
  reason?: string;
}

export interface EnsuredModel {
  model: ModelDto;
  /** The version `production` points at. */
  version: number;
  /** False when the model existed already (nothing was changed). */
  created: boolean;
}

/** Registry operations the gateway performs on its own behalf, as SYSTEM, through the same checks and audit. */
@Injectable()
export class ModelRegistryService {
  constructor(
    private readonly lookup: RegistryLookup,
    private readonly models: ModelsService,
    private readonly versions: ModelVersionsService,
    private readonly transitions: StageTransitionsService,
    private readonly aliases: ModelAliasesService,
  ) {}

  /**
   * Idempotent: when a model of that name exists in the organization, it is returned as it is (its
   * production version, if any); otherwise the model is created with one version promoted
   * draft → staging → production and the `production` alias set.
   */
  async ensureModel(input: EnsureModelInput): Promise<EnsuredModel> {
    const actor = SYSTEM_PRINCIPAL;
    const existing = await this.lookup.findModel(input.name, input.orgId);
    if (existing) return this.existing(existing.id);
    let model: ModelDto;
    try {
      model = await this.create(input);
    } catch (error) {
      // Another replica seeding at the same moment won the name: its model is the one.
      const winner = error instanceof RegistryConflictException ? await this.lookup.findModel(input.name, input.orgId) : null;
      if (winner) return this.existing(winner.id);
      throw error;
    }
    const version = await this.versions.create(actor, model.id, validatePlain(CreateVersionDto, input.version));
    const reason = input.reason ?? 'registered by the gateway';
    await this.transitions.transition(actor, model.id, String(version.version), { to: 'staging', reason });
    await this.transitions.transition(actor, model.id, String(version.version), { to: 'production', reason });
    await this.aliases.put(actor, model.id, 'production', { version: version.version, reason });
    return { model, version: version.version, created: true };
  }

  private async existing(modelId: string): Promise<EnsuredModel> {
    const production = (await this.aliases.list(SYSTEM_PRINCIPAL, modelId)).find((alias) => alias.name === 'production');
    return { model: await this.models.get(SYSTEM_PRINCIPAL, modelId), version: production?.version ?? 0, created: false };
  }

  private create(input: EnsureModelInput): Promise<ModelDto> {
    return this.models.create(
      SYSTEM_PRINCIPAL,
      validatePlain(CreateModelDto, {
        name: input.name,
        orgId: input.orgId,
        projectId: input.projectId ?? null,
        description: input.description,
        tags: input.tags ?? [],
        sensitivity: input.sensitivity ?? 'public',
        owner: 'system',
      }),
    );
  }
}
