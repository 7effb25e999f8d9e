import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RequestValidationException, ResourceNotFoundException, Page, pageOf } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { MasterKey } from '../crypto/master-key';
import { type PolicyAction, type Principal, clearanceCovers, ClientAuthMethod } from '@infergate/contracts';
import { RevocationService } from '../revocation/revocation.service';
import {
  ApplicationDto,
  applicationRow,
  CreateApplication,
  CreatedApplicationDto,
  ListApplications,
  RotatedSecretDto,
  UpdateApplication,
} from './application.dto';
import { ApplicationEntity } from './application.entity';
import { generateClientId, generateClientSecret } from './client-secrets';
import { OrganizationEntity } from './organization.entity';
import { OrganizationsService } from './organizations.service';
import { ProjectsService } from './projects.service';
import { TenancyAccess } from './tenancy-access';
import { TenancyAudit } from './tenancy-audit';
import { TenancyEvents } from './tenancy-events';
import { TenancyConflictException } from './tenancy.errors';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

const SECRET_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

/** Fields whose change alters what already issued tokens would grant: they are revoked. */
const TOKEN_AFFECTING: readonly (keyof UpdateApplication)[] = ['allowedScopes', 'clearance', 'allowedRegions', 'allowedCidrs', 'projectId'];

/** Applications (OAuth clients / service accounts) and their credentials. */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
    private readonly masterKey: MasterKey,
    private readonly revocation: RevocationService,
    private readonly access: TenancyAccess,
    private readonly audit: TenancyAudit,
    private readonly events: TenancyEvents,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
  ) {}

  private get repository() {
    return this.database.repository(ApplicationEntity);
  }

  /** Creates an application; the client secret, for secret methods, is in the answer and nowhere else. */
  async create(actor: Principal, orgId: string, input: CreateApplication): Promise<CreatedApplicationDto> {
    const org = await this.organizations.findReadable(actor, orgId);
    const now = new Date();
    const app: ApplicationEntity = {
      id: randomUUID(),
      orgId,
      projectId: input.projectId ?? null,
      clientId: generateClientId(),
      name: input.name,
      status: 'active',
      authMethod: input.authMethod,
      allowedScopes: input.allowedScopes,
      secretHash: null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      jwks: input.jwks ?? null,
      tlsCertThumbprint: input.tlsCertThumbprint ?? null,
      tlsSubjectSan: input.tlsSubjectSan ?? null,
      clearance: input.clearance,
      allowedRegions: input.allowedRegions,
      allowedCidrs: input.allowedCidrs,
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
    };
    this.access.assertMay(actor, 'create', 'Application', app);
    if (org.status !== 'active') throw new TenancyConflictException('The organization is disabled.');
    if (input.projectId !== undefined) await this.assertProject(orgId, input.projectId);
    assertClearance(org, input.clearance);
    assertCredentials(input.authMethod, input);

    const secret = SECRET_METHODS.includes(input.authMethod) ? generateClientSecret() : undefined;
    if (secret) app.secretHash = this.masterKey.hash('client-secret', secret);
    await this.repository.insert(applicationRow(app));
    await this.audit.changed(actor, 'tenancy.application.created', { type: 'Application', id: app.id }, orgId, {
      clientId: app.clientId,
      authMethod: app.authMethod,
      scopes: app.allowedScopes.join(' '),
      clearance: app.clearance,
    });
    return { ...this.view(actor, app), ...(secret ? { clientSecret: secret } : {}) };
  }

  async list(actor: Principal, orgId: string, query: ListApplications): Promise<Page<ApplicationDto>> {
    await this.organizations.findReadable(actor, orgId);
    const rows = this.repository.createQueryBuilder('app').where('app.orgId = :orgId', { orgId });
    if (query.status) rows.andWhere('app.status = :status', { status: query.status });
    if (query.projectId) rows.andWhere('app.projectId = :projectId', { projectId: query.projectId });
    this.access.restrict(rows, 'app', actor, 'Application');
    return pageOf(rows, 'app', query, (row) => this.view(actor, row));
  }

  async get(actor: Principal, orgId: string, id: string): Promise<ApplicationDto> {
    return this.view(actor, await this.findReadable(actor, orgId, id));
  }

  /** The application, or 404 when it, or its organization, is missing or out of the caller's sight. */
  async findReadable(actor: Principal, orgId: string, id: string): Promise<ApplicationEntity> {
    return (await this.findFor(actor, 'read', orgId, id)).app;
  }

  /** The application and its organization, when the caller may `action` it (404 unseen, 403 read-only). */
  async findFor(
    actor: Principal,
    action: PolicyAction,
    orgId: string,
    id: string,
  ): Promise<{ app: ApplicationEntity; org: OrganizationEntity }> {
    const org = await this.organizations.findReadable(actor, orgId);
    const app = await this.repository.findOneBy({ id, orgId });
    if (!app) throw new ResourceNotFoundException();
    this.access.assert(actor, action, 'Application', app);
    return { app, org };
  }

  async update(actor: Principal, orgId: string, id: string, input: UpdateApplication): Promise<ApplicationDto> {
    const { app, org } = await this.findFor(actor, 'update', orgId, id);
    // Only what the update schema lists can change; id, organization, client id, status and secrets never come from a body.
    const merged: ApplicationEntity = {
      ...app,
      ...Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)),
      id: app.id,
      orgId: app.orgId,
      updatedAt: new Date(),
    };
    // The state the change leaves must be one the caller may still administer (no moving out of reach).
    this.access.assertMay(actor, 'update', 'Application', merged);
    if (input.projectId) await this.assertProject(orgId, input.projectId);
    if (input.clearance !== undefined) assertClearance(org, input.clearance);
    assertCredentials(merged.authMethod, merged);
    const changes: Partial<ApplicationEntity> = { ...merged };
    delete changes.id;
    delete changes.orgId;
    await this.repository.update({ id, orgId }, applicationRow(changes));
    const revoke = TOKEN_AFFECTING.some(
      (field) => input[field] !== undefined && JSON.stringify(input[field]) !== JSON.stringify(app[field]),
    );
    if (revoke) await this.revokeCredentials(app.id);
    await this.audit.changed(actor, 'tenancy.application.updated', { type: 'Application', id }, orgId, {
      fields: Object.keys(input).join(','),
      tokensRevoked: revoke,
    });
    return this.view(actor, merged);
  }

  /** A new client secret; the old one keeps working for the configured overlap. */
  async rotateSecret(actor: Principal, orgId: string, id: string): Promise<RotatedSecretDto> {
    const { app } = await this.findFor(actor, 'update', orgId, id);
    if (!SECRET_METHODS.includes(app.authMethod)) {
      throw new TenancyConflictException(`An application using ${app.authMethod} has no client secret.`);
    }
    const secret = generateClientSecret();
    const now = new Date();
    const overlapMs = this.options.secretRotationOverlapSeconds * 1000;
    const changes = {
      secretHash: this.masterKey.hash('client-secret', secret),
      previousSecretHash: overlapMs > 0 ? app.secretHash : null,
      previousSecretExpiresAt: overlapMs > 0 && app.secretHash ? new Date(now.getTime() + overlapMs) : null,
      updatedAt: now,
    };
    await this.repository.update({ id, orgId }, changes);
    await this.audit.changed(actor, 'tenancy.application.secret_rotated', { type: 'Application', id }, orgId, {
      clientId: app.clientId,
      previousValidUntil: changes.previousSecretExpiresAt?.toISOString() ?? null,
    });
    return { clientId: app.clientId, clientSecret: secret, previousSecretExpiresAt: changes.previousSecretExpiresAt };
  }

  /** Disables the application: its tokens and API keys stop working at once. */
  async disable(actor: Principal, orgId: string, id: string): Promise<ApplicationDto> {
    const { app } = await this.findFor(actor, 'update', orgId, id);
    if (actor.kind === 'application' && actor.subject === id) {
      throw new TenancyConflictException('An application cannot disable itself.');
    }
    const now = new Date();
    const changes = { status: 'disabled' as const, disabledAt: now, updatedAt: now };
    await this.repository.update({ id, orgId }, changes);
    await this.revokeCredentials(id);
    await this.audit.changed(actor, 'tenancy.application.disabled', { type: 'Application', id }, orgId, { clientId: app.clientId });
    return this.view(actor, { ...app, ...changes });
  }

  async enable(actor: Principal, orgId: string, id: string): Promise<ApplicationDto> {
    const { app } = await this.findFor(actor, 'update', orgId, id);
    const changes = { status: 'active' as const, disabledAt: null, updatedAt: new Date() };
    await this.repository.update({ id, orgId }, changes);
    await this.audit.changed(actor, 'tenancy.application.enabled', { type: 'Application', id }, orgId, { clientId: app.clientId });
    return this.view(actor, { ...app, ...changes });
  }

  /** Every token already issued to the application, and its cached API keys here, stop working. */
  async revokeCredentials(applicationId: string): Promise<void> {
    await this.revocation.revokeAllTokensOf(applicationId);
    this.events.credentialChanged({ kind: 'application', applicationId });
  }

  /** The application as this caller may see it: fields the policy keeps from it are left out. */
  private view(actor: Principal, app: ApplicationEntity): ApplicationDto {
    return this.access.readable(actor, 'Application', app, ApplicationDto.from(app));
  }

  private async assertProject(orgId: string, projectId: string): Promise<void> {
    try {
      await this.projects.find(orgId, projectId);
    } catch (error) {
      if (error instanceof ResourceNotFoundException)
        throw RequestValidationException.at('/projectId', 'No such project in this organization.');
      throw error;
    }
  }
}

function assertClearance(org: OrganizationEntity, clearance: ApplicationEntity['clearance']): void {
  if (!clearanceCovers(org.maxClearance, clearance)) {
    throw RequestValidationException.at('/clearance', `Must not exceed the organization's maximum clearance (${org.maxClearance}).`);
  }
}

/** The credential each method needs must be registered. */
function assertCredentials(
  method: ClientAuthMethod,
  app: { jwks?: ApplicationEntity['jwks'] | undefined; tlsCertThumbprint?: string | null; tlsSubjectSan?: string | null },
): void {
  if (method === 'private_key_jwt' && !app.jwks) {
    throw RequestValidationException.at('/jwks', 'private_key_jwt needs the public keys of the client (a JWK Set).');
  }
  if (method === 'tls_client_auth' && !app.tlsCertThumbprint && !app.tlsSubjectSan) {
    throw RequestValidationException.at(
      '/tlsCertThumbprint',
      'tls_client_auth needs a certificate thumbprint or subject alternative name.',
    );
  }
}
