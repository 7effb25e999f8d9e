import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, InfergateConfig, RequestValidationException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { MasterKey } from '../crypto/master-key';
import type { Principal } from '../principal';
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
import type { Page } from './page.dto';
import { ProjectsService } from './projects.service';
import { TenancyAudit } from './tenancy-audit';
import { TenancyEvents } from './tenancy-events';
import { TenancyNotFoundException, TenancyConflictException } from './tenancy.errors';
import { clearanceCovers, ClientAuthMethod } from './tenancy.types';

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
    private readonly audit: TenancyAudit,
    private readonly events: TenancyEvents,
    @Inject(APP_CONFIG) private readonly config: InfergateConfig,
  ) {}

  private get repository() {
    return this.database.repository(ApplicationEntity);
  }

  /** Creates an application; the client secret, for secret methods, is in the answer and nowhere else. */
  async create(actor: Principal, orgId: string, input: CreateApplication): Promise<CreatedApplicationDto> {
    const org = await this.organizations.findWritable(actor, orgId);
    if (org.status !== 'active') throw new TenancyConflictException('The organization is disabled.');
    if (input.projectId !== undefined) await this.assertProject(orgId, input.projectId);
    assertClearance(org, input.clearance);
    assertCredentials(input.authMethod, input);

    const secret = SECRET_METHODS.includes(input.authMethod) ? generateClientSecret() : undefined;
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
      secretHash: secret ? this.masterKey.hash('client-secret', secret) : null,
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
    await this.repository.insert(applicationRow(app));
    await this.audit.changed(actor, 'tenancy.application.created', { type: 'Application', id: app.id }, orgId, {
      clientId: app.clientId,
      authMethod: app.authMethod,
      scopes: app.allowedScopes.join(' '),
      clearance: app.clearance,
    });
    return { ...ApplicationDto.from(app), ...(secret ? { clientSecret: secret } : {}) };
  }

  async list(actor: Principal, orgId: string, query: ListApplications): Promise<Page<ApplicationDto>> {
    await this.organizations.findReadable(actor, orgId);
    const [rows, total] = await this.repository.findAndCount({
      where: { orgId, ...(query.status ? { status: query.status } : {}), ...(query.projectId ? { projectId: query.projectId } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: rows.map((row) => ApplicationDto.from(row)), total, limit: query.limit, offset: query.offset };
  }

  async get(actor: Principal, orgId: string, id: string): Promise<ApplicationDto> {
    return ApplicationDto.from(await this.findReadable(actor, orgId, id));
  }

  /** The application, or 404 when it, or its organization, is missing or out of the caller's sight. */
  async findReadable(actor: Principal, orgId: string, id: string): Promise<ApplicationEntity> {
    await this.organizations.findReadable(actor, orgId);
    const app = await this.repository.findOneBy({ id, orgId });
    if (!app) throw new TenancyNotFoundException();
    return app;
  }

  /** The application, when the caller may administer it (404 unseen, 403 read-only). */
  async findWritable(actor: Principal, orgId: string, id: string): Promise<{ app: ApplicationEntity; org: OrganizationEntity }> {
    const app = await this.findReadable(actor, orgId, id);
    const org = await this.organizations.findWritable(actor, orgId);
    return { app, org };
  }

  async update(actor: Principal, orgId: string, id: string, input: UpdateApplication): Promise<ApplicationDto> {
    const { app, org } = await this.findWritable(actor, orgId, id);
    if (input.projectId) await this.assertProject(orgId, input.projectId);
    if (input.clearance !== undefined) assertClearance(org, input.clearance);
    const merged: ApplicationEntity = {
      ...app,
      ...Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)),
      updatedAt: new Date(),
    };
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
    return ApplicationDto.from(merged);
  }

  /** A new client secret; the old one keeps working for the configured overlap. */
  async rotateSecret(actor: Principal, orgId: string, id: string): Promise<RotatedSecretDto> {
    const { app } = await this.findWritable(actor, orgId, id);
    if (!SECRET_METHODS.includes(app.authMethod)) {
      throw new TenancyConflictException(`An application using ${app.authMethod} has no client secret.`);
    }
    const secret = generateClientSecret();
    const now = new Date();
    const overlapMs = this.config.identity.secretRotationOverlapSeconds * 1000;
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
    const { app } = await this.findWritable(actor, orgId, id);
    if (actor.kind === 'application' && actor.subject === id) {
      throw new TenancyConflictException('An application cannot disable itself.');
    }
    const now = new Date();
    const changes = { status: 'disabled' as const, disabledAt: now, updatedAt: now };
    await this.repository.update({ id, orgId }, changes);
    await this.revokeCredentials(id);
    await this.audit.changed(actor, 'tenancy.application.disabled', { type: 'Application', id }, orgId, { clientId: app.clientId });
    return ApplicationDto.from({ ...app, ...changes });
  }

  async enable(actor: Principal, orgId: string, id: string): Promise<ApplicationDto> {
    const { app } = await this.findWritable(actor, orgId, id);
    const changes = { status: 'active' as const, disabledAt: null, updatedAt: new Date() };
    await this.repository.update({ id, orgId }, changes);
    await this.audit.changed(actor, 'tenancy.application.enabled', { type: 'Application', id }, orgId, { clientId: app.clientId });
    return ApplicationDto.from({ ...app, ...changes });
  }

  /** Every token already issued to the application, and its cached API keys here, stop working. */
  async revokeCredentials(applicationId: string): Promise<void> {
    await this.revocation.revokeAllTokensOf(applicationId);
    this.events.credentialChanged({ kind: 'application', applicationId });
  }

  private async assertProject(orgId: string, projectId: string): Promise<void> {
    try {
      await this.projects.find(orgId, projectId);
    } catch (error) {
      if (error instanceof TenancyNotFoundException)
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
