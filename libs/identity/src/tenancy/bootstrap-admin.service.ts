import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { MasterKey } from '../crypto/master-key';
import { applicationRow } from './application.dto';
import { ApplicationEntity } from './application.entity';
import { generateClientId, generateClientSecret } from './client-secrets';
import { OrganizationEntity } from './organization.entity';
import { RoleBindingEntity } from './role-binding.entity';
import { isUniqueViolation } from './tenancy.errors';
import { SCOPES } from '@infergate/contracts';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

export const PLATFORM_ORG_NAME = 'platform';

/**
 * The bootstrap admin's application id is fixed, so that of several replicas starting at once on an
 * empty database exactly one creates it (the others hit the primary key and move on).
 */
export const BOOTSTRAP_APPLICATION_ID = '00000000-0000-4000-8000-000000000001';

/** Writes the one-time banner; separate so tests can capture it. Not the JSON logger, which redacts secrets. */
export const BOOTSTRAP_CONSOLE = Symbol('BOOTSTRAP_CONSOLE');
export interface BootstrapConsole {
  write(text: string): void;
}
export const stdoutConsole: BootstrapConsole = { write: (text) => void process.stdout.write(text) };

/**
 * On first start (after migrations), when no application holds platform-admin, creates the
 * organization `platform` and an admin application in it, from BOOTSTRAP_ADMIN_CLIENT_ID /
 * BOOTSTRAP_ADMIN_CLIENT_SECRET when set; a generated secret is printed once, never again.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminService.name);
  /** Concurrent calls in one process share one attempt (SQLite has one connection for all). */
  private inFlight?: Promise<string | undefined>;

  constructor(
    private readonly database: DatabaseService,
    private readonly masterKey: MasterKey,
    private readonly audit: AuditService,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    @Inject(BOOTSTRAP_CONSOLE) private readonly console: BootstrapConsole,
  ) {}

  onApplicationBootstrap(): void {
    this.database.onReady(() => this.ensurePlatformAdmin().then(() => undefined));
  }

  /** Creates the bootstrap admin when none exists; resolves with its client id when this call created it. */
  ensurePlatformAdmin(): Promise<string | undefined> {
    if (!this.inFlight) {
      this.inFlight = this.createIfMissing().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    return this.inFlight.then(() => undefined);
  }

  private async createIfMissing(): Promise<string | undefined> {
    const bindings = this.database.repository(RoleBindingEntity);
    if (await bindings.existsBy({ role: 'platform-admin', principalType: 'application' })) return undefined;

    const org = await this.platformOrganization();
    const configuredSecret = this.options.bootstrap.adminClientSecret;
    const clientId = this.options.bootstrap.adminClientId ?? generateClientId();
    const secret = configuredSecret ?? generateClientSecret();
    const now = new Date();
    const app: ApplicationEntity = {
      id: BOOTSTRAP_APPLICATION_ID,
      orgId: org.id,
      projectId: null,
      clientId,
      name: 'bootstrap-admin',
      status: 'active',
      authMethod: 'client_secret_basic',
      allowedScopes: [...SCOPES],
      secretHash: this.masterKey.hash('client-secret', secret),
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      jwks: null,
      tlsCertThumbprint: null,
      tlsSubjectSan: null,
      clearance: 'restricted',
      allowedRegions: [],
      allowedCidrs: [],
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
    };
    const binding: RoleBindingEntity = {
      id: randomUUID(),
      principalType: 'application',
      principalId: app.id,
      role: 'platform-admin',
      orgId: null,
      projectId: null,
      createdAt: now,
    };
    try {
      await this.database.dataSource.transaction(async (manager) => {
        await manager.insert(ApplicationEntity, applicationRow(app));
        await manager.insert(RoleBindingEntity, binding);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another replica created it first, or an earlier admin application lost its binding by hand.
      this.logger.warn({ event: 'tenancy.bootstrap_admin.exists' }, 'bootstrap admin application already exists; not creating another');
      return undefined;
    }
    await this.audit.record({
      action: 'tenancy.bootstrap_admin.created',
      outcome: 'success',
      actor: { type: 'system' },
      orgId: org.id,
      resource: { type: 'Application', id: app.id },
      details: { clientId, secretSource: configuredSecret ? 'config' : 'generated' },
    });
    this.logger.log({ event: 'tenancy.bootstrap_admin.created', clientId }, 'created the bootstrap platform-admin application');
    if (!configuredSecret) this.console.write(banner(clientId, secret));
    return clientId;
  }

  private async platformOrganization(): Promise<OrganizationEntity> {
    const repository = this.database.repository(OrganizationEntity);
    const existing = await repository.findOneBy({ name: PLATFORM_ORG_NAME });
    if (existing) return existing;
    const now = new Date();
    const org: OrganizationEntity = {
      id: randomUUID(),
      name: PLATFORM_ORG_NAME,
      displayName: 'Platform administration',
      status: 'active',
      allowedRegions: [],
      allowedCidrs: [],
      maxClearance: 'restricted',
      createdAt: now,
      updatedAt: now,
    };
    try {
      await repository.insert(org);
      return org;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return repository.findOneByOrFail({ name: PLATFORM_ORG_NAME });
    }
  }
}

function banner(clientId: string, secret: string): string {
  const rule = '='.repeat(78);
  return [
    '',
    rule,
    '  infergate: bootstrap platform-admin application created',
    '',
    `    client id:      ${clientId}`,
    `    client secret:  ${secret}`,
    '',
    '  This secret is shown ONCE and is not stored in clear anywhere. Save it now.',
    '  Rotate it later with: infergate apps rotate-secret',
    rule,
    '',
    '',
  ].join('\n');
}
