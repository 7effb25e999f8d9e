import type Redis from 'ioredis';
import { RevocationQuery, RevocationStore } from './revocation-store.interface';

/**
 * Revocations shared by every replica through Redis: one key per revoked `jti` and per revoked subject,
 * each with a TTL, and one MGET per check.
 */
export class RedisRevocationStore implements RevocationStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async revokeToken(jti: string, expiresAt: Date): Promise<void> {
    const ttlMs = expiresAt.getTime() - Date.now();
    if (ttlMs <= 0) return;
    await this.redis.set(this.tokenKey(jti), '1', 'PX', ttlMs);
  }

  async revokeSubject(subject: string, issuedBefore: Date, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.subjectKey(subject), String(issuedBefore.getTime()), 'EX', ttlSeconds);
  }

  async isRevoked({ jti, subject, issuedAt }: RevocationQuery): Promise<boolean> {
    const [token, subjectCutoff] = await this.redis.mget(
      jti === undefined ? this.subjectKey(subject) : this.tokenKey(jti),
      this.subjectKey(subject),
    );
    if (jti !== undefined && token !== null) return true;
    if (subjectCutoff === null) return false;
    return issuedAt === undefined || issuedAt * 1000 <= Number(subjectCutoff);
  }

  private tokenKey(jti: string): string {
    return `${this.prefix}revoked:jti:${jti}`;
  }

  private subjectKey(subject: string): string {
    return `${this.prefix}revoked:sub:${subject}`;
  }
}
