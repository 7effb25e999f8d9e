import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@infergate/audit';
import { ProblemException, RequestValidationException, AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { ACCESS_POLICY, type AccessPolicy, type PolicyAction, type Principal } from '@infergate/contracts';
import { SecretBox } from '../crypto/secret-box';
import { OrganizationEntity } from '../tenancy/organization.entity';
import { SYSTEM_PRINCIPAL } from '../tenancy/tenancy-access';
import { CreateTrustedIssuerInput, toTrustedIssuerResponse, TrustedIssuerResponse, UpdateTrustedIssuerInput } from './trusted-issuer.dto';
import { TrustedIssuerEntity } from './trusted-issuer.entity';
import { TrustedIssuerConflictException } from './trusted-issuer.errors';
import { introspectionSecretContext, TrustedIssuerRegistry } from './trusted-issuer.registry';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

/** Who makes a change: an authenticated principal, or the gateway itself (bootstrap, CLI: SYSTEM_PRINCIPAL). */
export type IssuerActor = Principal | 'system';

/**
 * Trusted external issuers: the policy set says who adds, changes and disables them (by default
 * platform administrators only); the gateway itself acts as SYSTEM_PRINCIPAL, through the same policy. Introspection
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
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    @Inject(ACCESS_POLICY) private readonly policy: AccessPolicy,
  ) {}

  async create(actor: IssuerActor, input: CreateTrustedIssuerInput): Promise<TrustedIssuerResponse> {
    // The organization an issuer's tokens belong to comes from the body: the caller must be allowed that exact one.
    this.assertMay(actor, 'create', { issuer: input.issuer, orgId: input.orgId, status: 'active' });
    if (input.issuer === this.options.issuer) {
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
    const rows = this.database.repository(TrustedIssuerEntity).createQueryBuilder('issuer');
    this.policy.restrictQuery(rows, 'issuer', principalOf(actor), 'read', 'TrustedIssuer');
    return (await rows.orderBy('issuer.createdAt', 'ASC').addOrderBy('issuer.id', 'ASC').getMany()).map(toTrustedIssuerResponse);
  }

  async get(actor: IssuerActor, id: string): Promise<TrustedIssuerResponse> {
    return toTrustedIssuerResponse(await this.load(actor, 'read', id));
  }

  async update(actor: IssuerActor, id: string, input: UpdateTrustedIssuerInput): Promise<TrustedIssuerResponse> {
    const entity = await this.load(actor, 'update', id);
    // A change may not move the issuer out of the caller's reach (orgId comes from the body).
    if (input.orgId !== undefined) this.assertMay(actor, 'update', { ...entity, orgId: input.orgId });
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
    const entity = await this.load(actor, 'update', id);
    const next: TrustedIssuerEntity = { ...entity, status, updatedAt: new Date() };
    await this.database.repository(TrustedIssuerEntity).update({ id }, { status, updatedAt: next.updatedAt });
    this.changed(actor, status === 'disabled' ? 'issuer.disabled' : 'issuer.enabled', next);
    return toTrustedIssuerResponse(next);
  }

  /** The issuer, when the caller may `action` it: 404 when missing or unseen, 403 when only readable. */
  private async load(actor: IssuerActor, action: PolicyAction, id: string): Promise<TrustedIssuerEntity> {
    const entity = id.length <= 36 ? await this.database.repository(TrustedIssuerEntity).findOne({ where: { id } }) : null;
    if (!entity) throw new ResourceNotFoundException();
    try {
      this.policy.assert(principalOf(actor), action, 'TrustedIssuer', entity);
    } catch (error) {
      // An unseen issuer answers exactly like a missing one.
      if (error instanceof ProblemException && error.status === 404) throw new ResourceNotFoundException();
      throw error;
    }
    return entity;
  }

  private assertMay(actor: IssuerActor, action: PolicyAction, issuer: Partial<TrustedIssuerEntity>): void {
    if (!this.policy.can(principalOf(actor), action, 'TrustedIssuer', issuer)) throw new AccessForbiddenException();
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

function principalOf(actor: IssuerActor): Principal {
  return actor === 'system' ? SYSTEM_PRINCIPAL : actor;
}
