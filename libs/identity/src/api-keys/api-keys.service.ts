import { Injectable } from '@nestjs/common';
import { RequestValidationException, ResourceNotFoundException, Page, pageOf } from '@infergate/common';
import { IsNull } from 'typeorm';
import { DatabaseService } from '@infergate/database';
import { MasterKey } from '../crypto/master-key';
import type { PolicyAction, Principal } from '@infergate/contracts';
import { RevocationService } from '../revocation/revocation.service';
import { ApplicationsService } from '../tenancy/applications.service';
import { TenancyAccess } from '../tenancy/tenancy-access';
import { TenancyAudit } from '../tenancy/tenancy-audit';
import { TenancyConflictException } from '../tenancy/tenancy.errors';
import { generateApiKey } from './api-key-format';
import { ApiKeyDto, CreateApiKey, CreatedApiKeyDto, ListApiKeys, MAX_API_KEY_LIFETIME_DAYS } from './api-key.dto';
import { ApiKeyEntity } from './api-key.entity';
import { API_KEY_CACHE_TTL_MS, apiKeyRevocationId, ApiKeyVerifierService } from './api-key-verifier.service';

const DAY_MS = 86_400_000;
const MIN_LIFETIME_MS = 60_000;
export const MAX_ACTIVE_KEYS_PER_APPLICATION = 50;

/** API keys of an application: created (shown once), listed, revoked. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly database: DatabaseService,
    private readonly applications: ApplicationsService,
    private readonly masterKey: MasterKey,
    private readonly revocation: RevocationService,
    private readonly verifier: ApiKeyVerifierService,
    private readonly access: TenancyAccess,
    private readonly audit: TenancyAudit,
  ) {}

  private get repository() {
    return this.database.repository(ApiKeyEntity);
  }

  async create(actor: Principal, orgId: string, applicationId: string, input: CreateApiKey, now = new Date()): Promise<CreatedApiKeyDto> {
    const app = await this.applications.findReadable(actor, orgId, applicationId);
    const { id, key } = generateApiKey();
    const entity: ApiKeyEntity = {
      id,
      applicationId,
      orgId,
      name: input.name,
      keyHash: this.masterKey.hash('api-key', key),
      scopes: input.scopes,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      createdAt: now,
    };
    this.access.assertMay(actor, 'create', 'ApiKey', entity);
    if (app.status !== 'active') throw new TenancyConflictException('The application is disabled.');
    input.scopes.forEach((scope, index) => {
      if (!app.allowedScopes.includes(scope)) {
        throw RequestValidationException.at(`/scopes/${index}`, `The application is not allowed the scope "${scope}".`);
      }
    });
    const maxExpiry = now.getTime() + MAX_API_KEY_LIFETIME_DAYS * DAY_MS;
    const expiresAt = input.expiresAt ?? new Date(maxExpiry);
    if (expiresAt.getTime() < now.getTime() + MIN_LIFETIME_MS) throw RequestValidationException.at('/expiresAt', 'Must be in the future.');
    if (expiresAt.getTime() > maxExpiry) {
      throw RequestValidationException.at('/expiresAt', `Must be at most ${MAX_API_KEY_LIFETIME_DAYS} days away.`);
    }
    const active = await this.repository.countBy({ applicationId, revokedAt: IsNull() });
    if (active >= MAX_ACTIVE_KEYS_PER_APPLICATION) {
      throw new TenancyConflictException(
        `An application holds at most ${MAX_ACTIVE_KEYS_PER_APPLICATION} active API keys; revoke one first.`,
      );
    }

    entity.expiresAt = expiresAt;
    await this.repository.insert(entity);
    await this.audit.changed(actor, 'identity.api_key.created', { type: 'ApiKey', id }, orgId, {
      applicationId,
      scopes: input.scopes.join(' '),
      expiresAt: expiresAt.toISOString(),
    });
    return { ...ApiKeyDto.from(entity), key };
  }

  async list(actor: Principal, orgId: string, applicationId: string, query: ListApiKeys): Promise<Page<ApiKeyDto>> {
    await this.applications.findReadable(actor, orgId, applicationId);
    const rows = this.repository
      .createQueryBuilder('apiKey')
      .where('apiKey.applicationId = :applicationId', { applicationId })
      .andWhere('apiKey.orgId = :orgId', { orgId });
    if (!query.includeRevoked) rows.andWhere('apiKey.revokedAt IS NULL');
    this.access.restrict(rows, 'apiKey', actor, 'ApiKey');
    return pageOf(rows, 'apiKey', query, (row) => ApiKeyDto.from(row));
  }

  async get(actor: Principal, orgId: string, applicationId: string, id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.findFor(actor, 'read', orgId, applicationId, id));
  }

  /** Revokes the key: refused at once on this replica, and on others within their next check. */
  async revoke(actor: Principal, orgId: string, applicationId: string, id: string): Promise<void> {
    const key = await this.findFor(actor, 'delete', orgId, applicationId, id);
    this.verifier.forget(id);
    if (key.revokedAt) return;
    const now = new Date();
    await this.repository.update({ id }, { revokedAt: now });
    // Other replicas may hold it in their cache for up to the cache TTL; the store tells them sooner.
    await this.revocation.revokeToken(apiKeyRevocationId(id), new Date(now.getTime() + API_KEY_CACHE_TTL_MS + 60_000));
    this.verifier.forget(id);
    await this.audit.changed(actor, 'identity.api_key.revoked', { type: 'ApiKey', id }, orgId, { applicationId });
  }

  /** The key, when the caller may `action` it: 404 when it, or its application, is missing or unseen; 403 when only readable. */
  private async findFor(actor: Principal, action: PolicyAction, orgId: string, applicationId: string, id: string): Promise<ApiKeyEntity> {
    await this.applications.findReadable(actor, orgId, applicationId);
    const key = await this.find(orgId, applicationId, id);
    this.access.assert(actor, action, 'ApiKey', key);
    return key;
  }

  private async find(orgId: string, applicationId: string, id: string): Promise<ApiKeyEntity> {
    const key = await this.repository.findOneBy({ id, applicationId, orgId });
    if (!key) throw new ResourceNotFoundException();
    return key;
  }
}
