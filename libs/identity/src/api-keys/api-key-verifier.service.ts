import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DatabaseService } from '@infergate/database';
import { InvalidTokenException } from '../authentication/authentication.errors';
import type { ApiKeyVerifier, CredentialContext } from '../authentication/credential-verifiers';
import { MasterKey } from '../crypto/master-key';
import { type Principal, clearanceCovers } from '@infergate/contracts';
import { RevocationService } from '../revocation/revocation.service';
import { ApplicationEntity } from '../tenancy/application.entity';
import { OrganizationEntity } from '../tenancy/organization.entity';
import { loadRoleGrants } from '../tenancy/role-grants';
import { CredentialChange, TenancyEvents } from '../tenancy/tenancy-events';
import { apiKeyId } from './api-key-format';
import { ApiKeyEntity } from './api-key.entity';

/** How long a verified key is served from memory; revocations on this replica drop it at once. */
export const API_KEY_CACHE_TTL_MS = 30_000;
/** lastUsedAt is written at most this often per key, off the request path. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const MAX_CACHED_KEYS = 10_000;

/** The revocation-store id of an API key (revocations reach other replicas' caches through it). */
export const apiKeyRevocationId = (keyId: string): string => `api-key:${keyId}`;

interface CachedKey {
  keyHash: string;
  applicationId: string;
  orgId: string;
  principal: Principal;
  /** When the key itself expires (ms), or Infinity. */
  keyExpiresAtMs: number;
  loadedAtMs: number;
}

/**
 * Verifies `ig_<id>_<secret>` API keys. Unknown, malformed, revoked, expired keys, keys of a disabled
 * application or organization: every failure is the identical InvalidTokenException('unknown_credential').
 * Verified keys are cached for at most 30 s; a cache hit still checks the secret in constant time and
 * asks the revocation store, so a key or application revoked on another replica stops working there too.
 */
@Injectable()
export class ApiKeyVerifierService implements ApiKeyVerifier, OnModuleInit {
  private readonly logger = new Logger(ApiKeyVerifierService.name);
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWrites = new Map<string, number>();
  /** Compared against when the key id is unknown, so that the work done does not tell. */
  private readonly dummyHash: string;

  constructor(
    private readonly database: DatabaseService,
    private readonly masterKey: MasterKey,
    private readonly revocation: RevocationService,
    private readonly events: TenancyEvents,
  ) {
    this.dummyHash = masterKey.hash('api-key', 'ig_00000000000000000000000000000000_unknown');
  }

  onModuleInit(): void {
    this.events.onCredentialChange((change) => this.forgetAffected(change));
  }

  async verify(key: string, _context?: CredentialContext, now = Date.now()): Promise<Principal> {
    const id = apiKeyId(key);
    if (!id) throw refused();
    const cached = await this.fromCache(id, key, now);
    const entry = cached ?? (await this.load(id, key, now));
    this.touch(id, now);
    return clonePrincipal(entry.principal);
  }

  /** Drops a key from this replica's cache (on revocation). */
  forget(keyId: string): void {
    this.cache.delete(keyId);
  }

  private async fromCache(id: string, key: string, now: number): Promise<CachedKey | undefined> {
    const entry = this.cache.get(id);
    if (!entry) return undefined;
    if (now - entry.loadedAtMs >= API_KEY_CACHE_TTL_MS || now >= entry.keyExpiresAtMs) {
      this.cache.delete(id);
      return undefined;
    }
    if (!this.masterKey.verify('api-key', key, entry.keyHash)) throw refused();
    let revoked: boolean;
    try {
      revoked = await this.revocation.isRevoked({
        jti: apiKeyRevocationId(id),
        subject: entry.applicationId,
        issuedAt: Math.floor(entry.loadedAtMs / 1000),
      });
    } catch {
      revoked = true; // The store is away: the database decides.
    }
    if (!revoked) return entry;
    this.cache.delete(id);
    return undefined;
  }

  private async load(id: string, key: string, now: number): Promise<CachedKey> {
    const row = await this.database.repository(ApiKeyEntity).findOneBy({ id });
    const secretMatches = this.masterKey.verify('api-key', key, row?.keyHash ?? this.dummyHash);
    if (!row || !secretMatches || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) throw refused();

    const app = await this.database.repository(ApplicationEntity).findOneBy({ id: row.applicationId });
    if (!app || app.status !== 'active' || app.orgId !== row.orgId) throw refused();
    const org = await this.database.repository(OrganizationEntity).findOneBy({ id: app.orgId });
    if (!org || org.status !== 'active') throw refused();
    const roles = await loadRoleGrants(this.database, 'application', app.id);

    const keyExpiresAtMs = row.expiresAt ? row.expiresAt.getTime() : Number.POSITIVE_INFINITY;
    const principal: Principal = {
      kind: 'application',
      subject: app.id,
      clientId: app.clientId,
      orgId: app.orgId,
      projectIds: [...new Set([app.projectId, ...roles.map((grant) => grant.projectId)].filter((p): p is string => p !== null))],
      roles,
      // A key narrows its application: scopes the application lost since the key was made no longer count.
      scopes: row.scopes.filter((scope) => app.allowedScopes.includes(scope)),
      clearance: clearanceCovers(org.maxClearance, app.clearance) ? app.clearance : org.maxClearance,
      allowedRegions: app.allowedRegions.length > 0 ? app.allowedRegions : org.allowedRegions,
      allowedCidrs: app.allowedCidrs.length > 0 ? app.allowedCidrs : org.allowedCidrs,
      authMethod: 'api_key',
      tokenId: id,
      ...(row.expiresAt ? { expiresAt: Math.floor(keyExpiresAtMs / 1000) } : {}),
    };
    const entry: CachedKey = { keyHash: row.keyHash, applicationId: app.id, orgId: app.orgId, principal, keyExpiresAtMs, loadedAtMs: now };
    if (this.cache.size >= MAX_CACHED_KEYS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(id, entry);
    if (!this.lastUsedWrites.has(id) && row.lastUsedAt) this.lastUsedWrites.set(id, row.lastUsedAt.getTime());
    return entry;
  }

  /** Records the last use at most once a minute per key, without holding up the request. */
  private touch(id: string, now: number): void {
    const last = this.lastUsedWrites.get(id);
    if (last !== undefined && now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    if (this.lastUsedWrites.size >= MAX_CACHED_KEYS) this.lastUsedWrites.clear();
    this.lastUsedWrites.set(id, now);
    this.database
      .repository(ApiKeyEntity)
      .update({ id }, { lastUsedAt: new Date(now) })
      .catch((error: unknown) => this.logger.warn({ event: 'api_key.last_used_write_failed', err: error }, 'could not record API key use'));
  }

  private forgetAffected(change: CredentialChange): void {
    for (const [id, entry] of this.cache) {
      const affected =
        (change.kind === 'application' && entry.applicationId === change.applicationId) ||
        (change.kind === 'principal' && entry.applicationId === change.principalId) ||
        (change.kind === 'organization' && entry.orgId === change.orgId);
      if (affected) this.cache.delete(id);
    }
  }
}

function refused(): InvalidTokenException {
  return new InvalidTokenException('unknown_credential');
}

function clonePrincipal(principal: Principal): Principal {
  return {
    ...principal,
    projectIds: [...principal.projectIds],
    roles: principal.roles.map((grant) => ({ ...grant })),
    scopes: [...principal.scopes],
    allowedRegions: [...principal.allowedRegions],
    allowedCidrs: [...principal.allowedCidrs],
  };
}
