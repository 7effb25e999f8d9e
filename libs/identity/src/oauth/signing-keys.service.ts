import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { calculateJwkThumbprint, CryptoKey, exportJWK, generateKeyPair, importJWK, JWK } from 'jose';
import { AuditService } from '@infergate/audit';
import { DatabaseService, withAdvisoryLock } from '@infergate/database';
import { In, LessThanOrEqual } from 'typeorm';
import { SecretBox } from '../crypto/secret-box';
import { LocalKeySet } from './local-key-set';
import { SigningKeyEntity } from './signing-key.entity';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

export type SigningAlgorithm = SigningKeyEntity['algorithm'];
export type SigningKeyStatus = SigningKeyEntity['status'];

/** The key that signs access tokens right now. */
export interface ActiveSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

/** What an operator may see of a signing key: never private material. */
export interface SigningKeySummary {
  kid: string;
  algorithm: SigningAlgorithm;
  status: SigningKeyStatus;
  createdAt: Date;
  activatesAt: Date;
  retiresAt: Date | null;
  expiresAt: Date | null;
}

/** How long clients may cache the JWKS (Cache-Control max-age of /.well-known/jwks.json). */
export const JWKS_MAX_AGE_SECONDS = 60;
/** How long this process trusts its in-memory copy of the key table (other replicas may rotate). */
const CACHE_TTL_MS = 30_000;
/** An unknown `kid` reloads the key table at most this often. */
const UNKNOWN_KID_COOLDOWN_MS = 5_000;
const MAINTENANCE_INTERVAL_MS = 60_000;
/** Advisory lock under which a replica creates the first signing key. */
const SIGNING_KEY_LOCK_KEY = 7_346_193_847;
/** A JWK member that only a private key has. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const PUBLIC_JWK_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

/**
 * The authorization server's signing keys. A key is `pending` (published, not signing) for a
 * propagation delay so that verifiers caching the JWKS learn it before it signs, then `active`, then
 * `retired` (still published) until every token it signed has expired, then deleted. Private keys are
 * stored sealed with the master key. Which key signs is decided from the shared table and the clock,
 * so replicas agree without talking to each other: the newest non-retired key whose activation time
 * has come.
 */
@Injectable()
export class SigningKeysService implements LocalKeySet, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeysService.name);
  private keys: SigningKeyEntity[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;
  private lastForcedReload = Number.NEGATIVE_INFINITY;
  private loading?: Promise<void>;
  private maintaining?: Promise<void>;
  private signer?: ActiveSigningKey;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly database: DatabaseService,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: readiness does not wait for key generation; the first token request waits instead.
    this.database.onReady(() => {
      this.runInBackground();
      if (!this.timer) {
        this.timer = setInterval(() => this.runInBackground(), MAINTENANCE_INTERVAL_MS);
        this.timer.unref();
      }
      return Promise.resolve();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.maintaining?.catch(() => undefined);
  }

  private runInBackground(now?: Date): void {
    this.maintain(now).catch((error: unknown) => this.logger.error({ event: 'oauth.signing_keys.maintenance_failed', err: error }));
  }

  /** Seconds a new key is published before it signs. */
  get propagationDelaySeconds(): number {
    return Math.max(2 * JWKS_MAX_AGE_SECONDS, Math.min(3600, this.options.accessTokenTtlSeconds));
  }

  /** Seconds a retired key stays published: the longest a token it signed can still be accepted. */
  get retentionSeconds(): number {
    return Math.min(3600, this.options.accessTokenTtlSeconds) + this.options.clockSkewSeconds;
  }

  /** The key that signs now; creates one when there is none. */
  async signingKey(now = new Date()): Promise<ActiveSigningKey> {
    await this.ensureFresh();
    let current = selectCurrent(this.keys, now);
    if (!current) {
      await this.maintain(now);
      current = selectCurrent(this.keys, now);
      if (!current) throw new Error('no signing key is available');
    } else if (current.status === 'pending') {
      // Its time has come: record the transition (idempotent across replicas), without waiting for it.
      this.runInBackground(now);
    }
    if (this.signer?.kid !== current.kid) {
      const jwk = JSON.parse(this.secretBox.open(current.privateKey, sealContext(current.kid))) as JWK;
      this.signer = { kid: current.kid, alg: current.algorithm, key: (await importJWK(jwk, current.algorithm)) as CryptoKey };
    }
    return this.signer;
  }

  /** Every published key's public half: pending, active, and retired until its tokens have expired. */
  async publicJwks(options: { reload?: boolean } = {}, now = new Date()): Promise<{ keys: JWK[] }> {
    if (options.reload) await this.reload();
    else await this.ensureFresh();
    return { keys: this.keys.filter((key) => isPublished(key, now)).map(publicJwkOf) };
  }

  /**
   * The published public key with this `kid`. An unknown kid reloads the shared key table (another
   * replica may have rotated), at most once per cooldown, so a flood of random kids costs nothing.
   */
  async findPublicKey(kid: string, now = new Date()): Promise<JWK | undefined> {
    await this.ensureFresh();
    let key = this.keys.find((candidate) => candidate.kid === kid && isPublished(candidate, now));
    if (!key && Date.now() - this.lastForcedReload >= UNKNOWN_KID_COOLDOWN_MS) {
      this.lastForcedReload = Date.now();
      await this.reload();
      key = this.keys.find((candidate) => candidate.kid === kid && isPublished(candidate, now));
    }
    return key ? publicJwkOf(key) : undefined;
  }

  /**
   * Creates a new key, published at once and signing from `activateAt` (by default after the
   * propagation delay). Tests and emergencies may activate at once.
   */
  async rotate(options: { activateAt?: Date } = {}, now = new Date()): Promise<SigningKeySummary> {
    const activatesAt = options.activateAt ?? new Date(now.getTime() + this.propagationDelaySeconds * 1000);
    const created = await this.create('pending', now, activatesAt);
    void this.audit.record({
      action: 'oauth.signing_key.rotated',
      outcome: 'success',
      actor: { type: 'system' },
      resource: { type: 'SigningKey', id: created.kid },
      details: { algorithm: created.algorithm, activatesAt: activatesAt.toISOString() },
    });
    await this.maintain(now);
    await this.reload();
    return summaryOf((await this.database.repository(SigningKeyEntity).findOneBy({ kid: created.kid })) ?? created);
  }

  /** Every stored key, newest first, with its public metadata only. */
  async list(): Promise<SigningKeySummary[]> {
    const keys = await this.database.repository(SigningKeyEntity).find({ order: { activatesAt: 'DESC', kid: 'DESC' } });
    return keys.map(summaryOf);
  }

  /**
   * Brings the key table up to date with the clock: creates the first key, records activations and
   * retirements, deletes keys whose tokens have all expired, rotates when the active key is due.
   * Safe to run on several replicas at once: every write is conditional on the state it changes.
   */
  maintain(now = new Date()): Promise<void> {
    this.maintaining ??= this.runMaintenance(now).finally(() => {
      this.maintaining = undefined;
    });
    return this.maintaining;
  }

  private async runMaintenance(now: Date): Promise<void> {
    const repository = this.database.repository(SigningKeyEntity);
    // Replicas starting together must not each create a first key: one does, under the lock, and the
    // others find it. (A key made elsewhere would be unknown here until the next reload.)
    await withAdvisoryLock(this.database.dataSource, SIGNING_KEY_LOCK_KEY, async () => {
      if (!selectCurrent(await repository.find(), now)) await this.create('active', now, now);
    });
    const keys = await repository.find();
    const current = selectCurrent(keys, now);
    if (!current) throw new Error('no signing key after creating one');
    if (current.status === 'pending') {
      await repository.update({ kid: current.kid, status: 'pending' }, { status: 'active' });
    }
    for (const key of keys) {
      if (key.kid === current.kid || key.status === 'retired' || key.activatesAt > now) continue;
      const expiresAt = new Date(now.getTime() + this.retentionSeconds * 1000);
      await repository.update({ kid: key.kid, status: In(['pending', 'active']) }, { status: 'retired', retiresAt: now, expiresAt });
    }
    await repository.delete({ status: 'retired', expiresAt: LessThanOrEqual(now) });

    const rotationDueAt = current.activatesAt.getTime() + this.options.signingKeyRotationDays * 86_400_000;
    const waiting = keys.some((key) => key.status === 'pending' && key.activatesAt > now);
    if (rotationDueAt <= now.getTime() && !waiting) {
      const created = await this.create('pending', now, new Date(now.getTime() + this.propagationDelaySeconds * 1000));
      this.logger.log(
        { event: 'oauth.signing_key.rotated', kid: created.kid, activatesAt: created.activatesAt },
        'signing key rotation scheduled',
      );
      void this.audit.record({
        action: 'oauth.signing_key.rotated',
        outcome: 'success',
        actor: { type: 'system' },
        resource: { type: 'SigningKey', id: created.kid },
        reason: 'scheduled',
        details: { algorithm: created.algorithm, activatesAt: created.activatesAt.toISOString() },
      });
    }
    await this.reload();
  }

  private async create(status: 'pending' | 'active', now: Date, activatesAt: Date): Promise<SigningKeyEntity> {
    const algorithm = this.options.signingAlgorithm;
    const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const entity: SigningKeyEntity = {
      kid,
      algorithm,
      publicJwk: { ...pickPublicMembers(publicJwk), kid, alg: algorithm, use: 'sig' },
      privateKey: this.secretBox.seal(JSON.stringify(await exportJWK(privateKey)), sealContext(kid)),
      status,
      createdAt: now,
      activatesAt,
      retiresAt: null,
      expiresAt: null,
    };
    // save, not insert: insert's deep-partial type does not accept a JSON column typed as a record.
    await this.database.repository(SigningKeyEntity).save(this.database.repository(SigningKeyEntity).create(entity));
    return entity;
  }

  private async ensureFresh(): Promise<void> {
    if (Date.now() - this.loadedAt > CACHE_TTL_MS) await this.reload();
  }

  private reload(): Promise<void> {
    this.loading ??= this.database
      .repository(SigningKeyEntity)
      .find()
      .then((keys) => {
        this.keys = keys;
        this.loadedAt = Date.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}

/** The key that signs at `now`: the newest non-retired key whose activation time has come. */
function selectCurrent(keys: readonly SigningKeyEntity[], now: Date): SigningKeyEntity | undefined {
  let best: SigningKeyEntity | undefined;
  for (const key of keys) {
    if (key.status === 'retired' || key.activatesAt > now) continue;
    if (!best || key.activatesAt > best.activatesAt || (key.activatesAt.getTime() === best.activatesAt.getTime() && key.kid > best.kid)) {
      best = key;
    }
  }
  return best;
}

function isPublished(key: SigningKeyEntity, now: Date): boolean {
  return key.status !== 'retired' || (key.expiresAt !== null && key.expiresAt > now);
}

function sealContext(kid: string): string {
  return `signing-key:${kid}`;
}

function pickPublicMembers(jwk: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const member of PUBLIC_JWK_MEMBERS) if (typeof jwk[member] === 'string') picked[member] = jwk[member];
  return picked;
}

/** The published form of a key. Built from an allowlist of members; private members can never leak. */
function publicJwkOf(key: SigningKeyEntity): JWK {
  const jwk: JWK = { ...pickPublicMembers(key.publicJwk), kid: key.kid, alg: key.algorithm, use: 'sig' };
  for (const member of PRIVATE_JWK_MEMBERS) {
    if (member in jwk) throw new Error(`signing key ${key.kid} would publish private member ${member}`);
  }
  return jwk;
}

function summaryOf(key: SigningKeyEntity): SigningKeySummary {
  const { kid, algorithm, status, createdAt, activatesAt, retiresAt, expiresAt } = key;
  return { kid, algorithm, status, createdAt, activatesAt, retiresAt, expiresAt };
}
