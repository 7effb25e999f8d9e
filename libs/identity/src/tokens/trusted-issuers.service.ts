import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@infergate/audit';
import { APP_CONFIG, InfergateConfig, RequestValidationException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { SecretBox } from '../crypto/secret-box';
import type { Principal } from '../principal';
import { OrganizationEntity } from '../tenancy/organization.entity';
import { CreateTrustedIssuerInput, toTrustedIssuerResponse, TrustedIssuerResponse, UpdateTrustedIssuerInput } from './trusted-issuer.dto';
import { TrustedIssuerEntity } from './trusted-issuer.entity';
import { PlatformAdminRequiredException, TrustedIssuerConflictException, TrustedIssuerNotFoundException } from './trusted-issuer.errors';
import { introspectionSecretContext, TrustedIssuerRegistry } from './trusted-issuer.registry';

/** Who makes a change: an authenticated platform admin, or the gateway itself (bootstrap, CLI). */
export type IssuerActor = Principal | 'system';

/**
 * Trusted external issuers: platform administrators add, change and disable them. Introspection
 * client secrets are sealed at rest and never shown back. Every change is audited and takes effect in
 * this replica at once (others within the registry's reload interval).
 */
@Injectable()
export class TrustedIssuersService {
  constructor(
    private readonly database: DatabaseService,
    private readonly secrets: SecretBox,
    private readonly registry: TrustedIssuerRegistry,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: InfergateConfig,
  ) {}

  async create(actor: IssuerActor, input: CreateTrustedIssuerInput): Promise<TrustedIssuerResponse> {
    assertPlatformAdmin(actor);
    if (input.issuer === this.config.identity.issuer) {
      throw new RequestValidationException([{ pointer: '/issuer', detail: "is the gateway's own issuer" }]);
    }
    await this.assertOrganization(input.orgId);
    const repository = this.database.repository(TrustedIssuerEntity);
    if (await repository.exist({ where: { issuer: input.issuer } })) throw new TrustedIssuerConflictException();
    const now = new Date();
    const id = randomUUID();
    const entity: TrustedIssuerEntity = {
      id,
      issuer: input.issuer,
      orgId: input.orgId,
      jwksUri: input.jwksUri,
      discovery: input.discovery,
      audience: input.audience,
      algorithms: input.algorithms,
      claimMapping: input.claimMapping,
      clockSkewSeconds: input.clockSkewSeconds,
      introspectionEndpoint: input.introspection?.endpoint ?? null,
      introspectionClientId: input.introspection?.clientId ?? null,
      introspectionClientSecret: input.introspection
        ? this.secrets.seal(input.introspection.clientSecret, introspectionSecretContext(id))
        : null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    await repository.insert(entity);
    this.changed(actor, 'issuer.created', entity);
    return toTrustedIssuerResponse(entity);
  }

  async list(actor: IssuerActor): Promise<TrustedIssuerResponse[]> {
    assertPlatformAdmin(actor);
    const rows = await this.database.repository(TrustedIssuerEntity).find({ order: { createdAt: 'ASC' } });
    return rows.map(toTrustedIssuerResponse);
  }

  async get(actor: IssuerActor, id: string): Promise<TrustedIssuerResponse> {
    assertPlatformAdmin(actor);
    return toTrustedIssuerResponse(await this.load(id));
  }

  async update(actor: IssuerActor, id: string, input: UpdateTrustedIssuerInput): Promise<TrustedIssuerResponse> {
    assertPlatformAdmin(actor);
    const entity = await this.load(id);
    if (input.orgId !== undefined) await this.assertOrganization(input.orgId);
    const next: TrustedIssuerEntity = {
      ...entity,
      orgId: input.orgId !== undefined ? input.orgId : entity.orgId,
      jwksUri: input.jwksUri !== undefined ? input.jwksUri : entity.jwksUri,
      discovery: input.discovery ?? entity.discovery,
      audience: input.audience ?? entity.audience,
      algorithms: input.algorithms ?? entity.algorithms,
      claimMapping: input.claimMapping ?? entity.claimMapping,
      clockSkewSeconds: input.clockSkewSeconds ?? entity.clockSkewSeconds,
      updatedAt: new Date(),
    };
    if (input.introspection !== undefined) {
      next.introspectionEndpoint = input.introspection?.endpoint ?? null;
      next.introspectionClientId = input.introspection?.clientId ?? null;
      next.introspectionClientSecret = input.introspection
        ? this.secrets.seal(input.introspection.clientSecret, introspectionSecretContext(id))
        : null;
    }
    if (!next.jwksUri && !next.discovery && !next.introspectionEndpoint) {
      throw new RequestValidationException([
        { pointer: '/jwksUri', detail: 'give jwksUri, discovery: true, or an introspection endpoint' },
      ]);
    }
    await this.database.repository(TrustedIssuerEntity).save(next);
    this.changed(actor, 'issuer.updated', next);
    return toTrustedIssuerResponse(next);
  }

  async setStatus(actor: IssuerActor, id: string, status: 'active' | 'disabled'): Promise<TrustedIssuerResponse> {
    assertPlatformAdmin(actor);
    const entity = await this.load(id);
    const next: TrustedIssuerEntity = { ...entity, status, updatedAt: new Date() };
    await this.database.repository(TrustedIssuerEntity).update({ id }, { status, updatedAt: next.updatedAt });
    this.changed(actor, status === 'disabled' ? 'issuer.disabled' : 'issuer.enabled', next);
    return toTrustedIssuerResponse(next);
  }

  private async load(id: string): Promise<TrustedIssuerEntity> {
    const entity = id.length <= 36 ? await this.database.repository(TrustedIssuerEntity).findOne({ where: { id } }) : null;
    if (!entity) throw new TrustedIssuerNotFoundException();
    return entity;
  }

  private async assertOrganization(orgId: string | null): Promise<void> {
    if (orgId === null) return;
    if (!(await this.database.repository(OrganizationEntity).exist({ where: { id: orgId } }))) {
      throw new RequestValidationException([{ pointer: '/orgId', detail: 'no such organization' }]);
    }
  }

  private changed(actor: IssuerActor, action: string, entity: TrustedIssuerEntity): void {
    this.registry.invalidate();
    void this.audit.record({
      action,
      outcome: 'success',
      actor: actor === 'system' ? { type: 'system' } : { type: actor.kind, id: actor.subject },
      orgId: entity.orgId ?? undefined,
      resource: { type: 'trusted_issuer', id: entity.id },
      details: {
        issuer: entity.issuer,
        status: entity.status,
        algorithms: entity.algorithms.join(' '),
        introspection: Boolean(entity.introspectionClientId),
      },
    });
  }
}

/** Platform administrators hold `platform-admin` platform-wide (no organization). */
export function isPlatformAdmin(principal: Principal): boolean {
  return principal.roles.some((grant) => grant.role === 'platform-admin' && grant.orgId === null);
}

function assertPlatformAdmin(actor: IssuerActor): void {
  if (actor !== 'system' && !isPlatformAdmin(actor)) throw new PlatformAdminRequiredException();
}
