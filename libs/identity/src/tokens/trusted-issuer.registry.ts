import { Injectable, Logger } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import { DatabaseService } from '@infergate/database';
import { SecretBox } from '../crypto/secret-box';
import { fetchIdpJson, IdpUnavailableError, isAllowedIdpUrl } from './idp-http';
import { JwksCache, JwksCacheOptions } from './jwks-cache';
import { TrustedIssuerEntity } from './trusted-issuer.entity';

/** How long the in-memory list of active issuers is used before the table is read again. */
export const ISSUER_RELOAD_MS = 30_000;
const RETRY_AFTER_FAILURE_MS = 5_000;

interface DiscoveryDocument {
  jwksUri?: string;
  introspectionEndpoint?: string;
}

/** One active trusted issuer with its key cache and, lazily, its discovery metadata. */
export class TrustedIssuerHandle {
  readonly keys: JwksCache;
  private discovered?: DiscoveryDocument;

  constructor(
    readonly entity: TrustedIssuerEntity,
    private readonly secrets: SecretBox,
    jwksOptions: JwksCacheOptions,
  ) {
    this.keys = new JwksCache(() => this.fetchJwks(), jwksOptions);
  }

  /** Changes to any of these mean the cached keys and metadata no longer apply. */
  static fingerprint(entity: TrustedIssuerEntity): string {
    return JSON.stringify([entity.id, entity.issuer, entity.jwksUri, entity.discovery, entity.updatedAt?.valueOf?.() ?? entity.updatedAt]);
  }

  async introspectionEndpoint(): Promise<string | undefined> {
    if (this.entity.introspectionEndpoint) return this.entity.introspectionEndpoint;
    if (!this.entity.discovery) return undefined;
    return (await this.discover()).introspectionEndpoint;
  }

  /** The introspection client's credentials, the secret opened from its sealed form. */
  introspectionCredentials(): { clientId: string; clientSecret: string } | undefined {
    const { id, introspectionClientId, introspectionClientSecret } = this.entity;
    if (!introspectionClientId || !introspectionClientSecret) return undefined;
    return { clientId: introspectionClientId, clientSecret: this.secrets.open(introspectionClientSecret, introspectionSecretContext(id)) };
  }

  private async fetchJwks(): Promise<JSONWebKeySet> {
    const uri = this.entity.jwksUri ?? (this.entity.discovery ? (await this.discover(true)).jwksUri : undefined);
    if (!uri) throw new IdpUnavailableError('issuer has no jwks_uri');
    const jwks = await fetchIdpJson(uri);
    if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw new IdpUnavailableError('not a JSON Web Key Set');
    return jwks as unknown as JSONWebKeySet;
  }

  /** OIDC discovery; a failed refresh keeps the document already held. */
  private async discover(refresh = false): Promise<DiscoveryDocument> {
    if (this.discovered && !refresh) return this.discovered;
    try {
      const url = `${this.entity.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const document = await fetchIdpJson(url);
      if (!isObject(document) || document.issuer !== this.entity.issuer)
        throw new IdpUnavailableError('discovery document names another issuer');
      this.discovered = {
        jwksUri: allowedUrl(document.jwks_uri),
        introspectionEndpoint: allowedUrl(document.introspection_endpoint),
      };
    } catch (error) {
      if (!this.discovered) throw error;
    }
    return this.discovered;
  }
}

/** The SecretBox context of an issuer's sealed introspection client secret. */
export function introspectionSecretContext(issuerId: string): string {
  return `trusted-issuer:${issuerId}:introspection`;
}

/**
 * The active trusted issuers, held in memory so that a token naming an unknown issuer costs a map
 * lookup, not a query. Re-read from the table every ISSUER_RELOAD_MS (other replicas' changes) and at
 * once after a change made here. Each issuer's key cache survives reloads while its row is unchanged.
 */
@Injectable()
export class TrustedIssuerRegistry {
  private readonly logger = new Logger(TrustedIssuerRegistry.name);
  private handles = new Map<string, { fingerprint: string; handle: TrustedIssuerHandle }>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading?: Promise<void>;
  private changes = 0;
  /** Whether the table was ever read; until then no external token can be judged. */
  private loaded = false;
  /** Overridable in tests: cooldown and refresh of every issuer's key cache. */
  jwksOptions: JwksCacheOptions = {};

  constructor(
    private readonly database: DatabaseService,
    private readonly secrets: SecretBox,
  ) {}

  /** Increases whenever the set of issuers or their settings changed; cached verifications of older generations are dropped. */
  get generation(): number {
    return this.changes;
  }

  async find(issuer: string): Promise<TrustedIssuerHandle | undefined> {
    await this.current();
    if (!this.loaded) throw new IdpUnavailableError('trusted issuers unavailable');
    return this.handles.get(issuer)?.handle;
  }

  /** Whether `issuer` is still trusted, answered from memory (a stale list is re-read in the background). */
  isActive(issuer: string): boolean {
    if (Date.now() - this.loadedAt > ISSUER_RELOAD_MS) void this.current().catch(() => undefined);
    return this.handles.has(issuer);
  }

  async withIntrospection(): Promise<TrustedIssuerHandle[]> {
    await this.current();
    if (!this.loaded) throw new IdpUnavailableError('trusted issuers unavailable');
    return [...this.handles.values()]
      .map(({ handle }) => handle)
      .filter((handle) => handle.entity.introspectionClientId && (handle.entity.introspectionEndpoint || handle.entity.discovery));
  }

  /** Forces a re-read on next use (after an admin change in this process). */
  invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
    this.changes += 1;
  }

  /** Re-reads the table when the in-memory list is stale; resolves at once otherwise. */
  ensureCurrent(): Promise<void> {
    return this.current();
  }

  private current(): Promise<void> {
    if (Date.now() - this.loadedAt <= ISSUER_RELOAD_MS) return Promise.resolve();
    this.loading ??= this.reload().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async reload(): Promise<void> {
    let rows: TrustedIssuerEntity[];
    try {
      rows = await this.database.repository(TrustedIssuerEntity).find({ where: { status: 'active' } });
    } catch (error) {
      this.logger.warn({ event: 'identity.issuers_reload_failed', err: error }, 'could not read trusted issuers');
      // Keep the list held (if any) and retry shortly, not on every request.
      this.loadedAt = Date.now() - ISSUER_RELOAD_MS + RETRY_AFTER_FAILURE_MS;
      return;
    }
    const next = new Map<string, { fingerprint: string; handle: TrustedIssuerHandle }>();
    let changed = rows.length !== this.handles.size;
    for (const row of rows) {
      const fingerprint = TrustedIssuerHandle.fingerprint(row);
      const existing = this.handles.get(row.issuer);
      if (existing && existing.fingerprint === fingerprint) {
        next.set(row.issuer, existing);
      } else {
        changed = true;
        next.set(row.issuer, { fingerprint, handle: new TrustedIssuerHandle(row, this.secrets, this.jwksOptions) });
      }
    }
    this.handles = next;
    this.loadedAt = Date.now();
    this.loaded = true;
    if (changed) this.changes += 1;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allowedUrl(value: unknown): string | undefined {
  return typeof value === 'string' && isAllowedIdpUrl(value) ? value : undefined;
}
