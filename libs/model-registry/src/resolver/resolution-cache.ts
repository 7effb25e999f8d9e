import { Injectable } from '@nestjs/common';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Resolved versions by (organization, model, reference) for a few seconds, so that the hot path does
 * not read four tables per call. Every registry write in this process clears it; other replicas see a
 * change within the TTL. Only lookups are cached: access checks run on every call.
 */
@Injectable()
export class ResolutionCache<T = unknown> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlMs = TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  /** After any registry write: the next resolution reads the database again. */
  invalidateAll(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
