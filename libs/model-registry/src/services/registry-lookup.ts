import { Injectable } from '@nestjs/common';
import { ResourceNotFoundException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { type PolicyAction, type Principal } from '@infergate/contracts';
import { TenancyAccess } from '@infergate/identity';
import { isUuid } from '../dto/registry-fields';
import { ModelVersionEntity } from '../entities/model-version.entity';
import { ModelEntity } from '../entities/model.entity';

/**
 * Finds models and versions named in a path and checks the caller against the loaded instance: 404
 * when it is missing or the caller may not read it (identical bytes), 403 when it may read but not act.
 */
@Injectable()
export class RegistryLookup {
  constructor(
    private readonly database: DatabaseService,
    private readonly access: TenancyAccess,
  ) {}

  get models() {
    return this.database.repository(ModelEntity);
  }

  get versions() {
    return this.database.repository(ModelVersionEntity);
  }

  /**
   * A model by id, or by name in `orgId` (the caller's organization unless given): the name space is
   * per organization, so a principal without one (the CLI) names models by id or with an org.
   */
  async findModel(reference: string, orgId: string | null): Promise<ModelEntity | null> {
    if (isUuid(reference)) return this.models.findOneBy({ id: reference.toLowerCase() });
    if (!orgId) return null;
    return this.models.findOneBy({ orgId, name: reference });
  }

  async modelFor(actor: Principal, action: PolicyAction, reference: string, orgId?: string): Promise<ModelEntity> {
    const model = await this.findModel(reference, orgId ?? actor.orgId);
    if (!model) throw new ResourceNotFoundException();
    this.access.assert(actor, action, 'Model', { ...model });
    return model;
  }

  /** The version of a readable model, when the caller may `action` it. */
  async versionFor(actor: Principal, action: PolicyAction, model: ModelEntity, version: string | number): Promise<ModelVersionEntity> {
    const number = typeof version === 'number' ? version : parseVersionNumber(version);
    const row = number === null ? null : await this.versions.findOneBy({ modelId: model.id, version: number });
    if (!row) throw new ResourceNotFoundException();
    this.access.assert(actor, action, 'ModelVersion', { ...row });
    return row;
  }
}

/** A version number in a path: digits only, no sign, no leading zeros. */
export function parseVersionNumber(text: string): number | null {
  if (!/^[1-9][0-9]{0,8}$/.test(text)) return null;
  return Number(text);
}
