import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RequestValidationException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import type { Principal } from '@infergate/contracts';
import type { ModelVersionView, StageTransitionDto, TransitionInput } from '../dto/model-version.dto';
import { ModelAliasEntity } from '../entities/model-alias.entity';
import { ModelStageTransitionEntity } from '../entities/model-stage-transition.entity';
import { ModelVersionEntity } from '../entities/model-version.entity';
import { RegistryConflictException, StageTransitionNotAllowedException } from '../model-registry.errors';
import { ResolutionCache } from '../resolver/resolution-cache';
import { allowedTransitions, isTransitionAllowed, transitionNeedsReason } from '../stages/stage-machine';
import { ModelVersionsService } from './model-versions.service';
import { actorName, RegistryAudit } from './registry-audit';
import { RegistryLookup } from './registry-lookup';

/** Moves versions between stages along the lifecycle, recording who moved them and why. */
@Injectable()
export class StageTransitionsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly lookup: RegistryLookup,
    private readonly versions: ModelVersionsService,
    private readonly audit: RegistryAudit,
    private readonly cache: ResolutionCache,
  ) {}

  async transition(
    actor: Principal,
    reference: string,
    version: string,
    input: TransitionInput,
    orgId?: string,
  ): Promise<ModelVersionView> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const row = await this.lookup.versionFor(actor, 'transition', model, version);
    const { to } = input;
    const from = row.stage;
    if (!isTransitionAllowed(from, to)) throw new StageTransitionNotAllowedException(from, to, allowedTransitions(from));
    if (transitionNeedsReason(to) && !input.reason) {
      throw RequestValidationException.at('/reason', `A reason is required to move a version to ${to}.`);
    }
    if (to === 'draft' || to === 'archived') {
      const aliases = await this.database.repository(ModelAliasEntity).findBy({ versionId: row.id });
      if (aliases.length > 0) {
        const names = aliases.map((alias) => alias.name).sort();
        throw new RegistryConflictException(`Aliases point at this version (${names.join(', ')}); move or delete them first.`);
      }
    }
    const at = new Date();
    const deprecation = to === 'deprecated' && !row.deprecation ? { deprecatedAt: at.toISOString() } : row.deprecation;
    await this.database.dataSource.transaction(async (manager) => {
      // Conditional on the stage read above: of two concurrent transitions, one wins and one is told.
      const result = await manager
        .createQueryBuilder()
        .update(ModelVersionEntity)
        .set({ stage: to, deprecation, updatedAt: at })
        .where('id = :id AND stage = :from', { id: row.id, from })
        .execute();
      if (result.affected === 0) throw new RegistryConflictException('The version changed stage meanwhile; read it again.');
      await manager.insert(ModelStageTransitionEntity, {
        id: randomUUID(),
        versionId: row.id,
        from,
        to,
        actor: actorName(actor),
        reason: input.reason ?? null,
        at,
      });
    });
    this.cache.invalidateAll();
    await this.audit.changed(
      actor,
      'registry.version.transition',
      { type: 'ModelVersion', id: row.id },
      model.orgId,
      { model: model.name, version: row.version, from, to },
      input.reason,
    );
    return this.versions.view(actor, { ...row, stage: to, deprecation, updatedAt: at });
  }

  /** The stage history of a version, oldest first. */
  async history(actor: Principal, reference: string, version: string, orgId?: string): Promise<StageTransitionDto[]> {
    const model = await this.lookup.modelFor(actor, 'read', reference, orgId);
    const row = await this.lookup.versionFor(actor, 'read', model, version);
    const transitions = await this.database.repository(ModelStageTransitionEntity).find({
      where: { versionId: row.id },
      order: { at: 'ASC', id: 'ASC' },
    });
    return transitions.map((t) => ({ id: t.id, version: row.version, from: t.from, to: t.to, actor: t.actor, reason: t.reason, at: t.at }));
  }
}
