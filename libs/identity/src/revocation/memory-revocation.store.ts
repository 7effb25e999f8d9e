import { RevocationQuery, RevocationStore } from './revocation-store.interface';

const SWEEP_EVERY = 1024;

/** Process-local revocations (embedded profile). Expired entries are swept as writes arrive. */
export class MemoryRevocationStore implements RevocationStore {
  private readonly tokens = new Map<string, number>();
  private readonly subjects = new Map<string, { issuedBeforeMs: number; untilMs: number }>();
  private writes = 0;

  revokeToken(jti: string, expiresAt: Date): Promise<void> {
    this.tokens.set(jti, expiresAt.getTime());
    this.sweep();
    return Promise.resolve();
  }

  revokeSubject(subject: string, issuedBefore: Date, ttlSeconds: number): Promise<void> {
    this.subjects.set(subject, { issuedBeforeMs: issuedBefore.getTime(), untilMs: Date.now() + ttlSeconds * 1000 });
    this.sweep();
    return Promise.resolve();
  }

  isRevoked(query: RevocationQuery): Promise<boolean> {
    return Promise.resolve(this.check(query, Date.now()));
  }

  private check({ jti, subject, issuedAt }: RevocationQuery, now: number): boolean {
    if (jti !== undefined) {
      const until = this.tokens.get(jti);
      if (until !== undefined && until > now) return true;
    }
    const entry = this.subjects.get(subject);
    if (entry && entry.untilMs > now) return issuedAt === undefined || issuedAt * 1000 <= entry.issuedBeforeMs;
    return false;
  }

  private sweep(): void {
    this.writes += 1;
    if (this.writes % SWEEP_EVERY !== 0) return;
    const now = Date.now();
    for (const [jti, until] of this.tokens) if (until <= now) this.tokens.delete(jti);
    for (const [subject, entry] of this.subjects) if (entry.untilMs <= now) this.subjects.delete(subject);
  }
}
