import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseService } from '@infergate/database';
import { MoreThan } from 'typeorm';
import { RevokedTokenEntity } from './revoked-token.entity';
import { REVOCATION_STORE, RevocationQuery, RevocationStore } from './revocation-store.interface';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

const SUBJECT_PREFIX = 'sub:';

/**
 * Revokes tokens durably (database) and effectively (the shared store checked on every request).
 * On start, unexpired revocations are loaded back into the store, so neither a restart nor a
 * Redis flush revives a revoked token.
 */
@Injectable()
export class RevocationService implements OnApplicationBootstrap {
  constructor(
    @Inject(REVOCATION_STORE) private readonly store: RevocationStore,
    private readonly database: DatabaseService,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.database.onReady(() => this.restoreFromDatabase());
  }

  private async restoreFromDatabase(): Promise<void> {
    const live = await this.database.repository(RevokedTokenEntity).find({ where: { expiresAt: MoreThan(new Date()) } });
    for (const row of live) {
      if (row.jti.startsWith(SUBJECT_PREFIX)) {
        const ttl = Math.ceil((row.expiresAt.getTime() - Date.now()) / 1000);
        if (ttl > 0) await this.store.revokeSubject(row.jti.slice(SUBJECT_PREFIX.length), row.revokedAt, ttl);
      } else {
        await this.store.revokeToken(row.jti, row.expiresAt);
      }
    }
  }

  /** Refuses one token (by `jti`) until it expires. */
  async revokeToken(jti: string, expiresAt: Date): Promise<void> {
    await this.database.repository(RevokedTokenEntity).upsert({ jti, expiresAt, revokedAt: new Date() }, ['jti']);
    await this.store.revokeToken(jti, expiresAt);
  }

  /** Refuses every token already issued to `subject` (an application being disabled, a rotated key). */
  async revokeAllTokensOf(subject: string): Promise<void> {
    const now = new Date();
    const ttlSeconds = this.options.accessTokenTtlSeconds + this.options.clockSkewSeconds;
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await this.database.repository(RevokedTokenEntity).upsert({ jti: `${SUBJECT_PREFIX}${subject}`, expiresAt, revokedAt: now }, ['jti']);
    await this.store.revokeSubject(subject, now, ttlSeconds);
  }

  isRevoked(query: RevocationQuery): Promise<boolean> {
    return this.store.isRevoked(query);
  }
}
