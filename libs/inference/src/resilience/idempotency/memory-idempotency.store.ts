import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from './idempotency.types';

interface Entry {
  digest: string;
  response?: StoredResponse;
  expiresAt: number;
  bytes: number;
}

export interface MemoryIdempotencyStoreOptions {
  /** Most keys kept; the least recently used go first. */
  maxEntries?: number;
  /** Most response bytes kept in total. */
  maxBytes?: number;
  now?: () => number;
}

/**
 * The single-replica store: a Map used as an LRU (insertion order, re-inserted on use), bounded in
 * entries and bytes so that a flood of distinct keys or large answers cannot exhaust memory. An
 * evicted key behaves like a new one (one more upstream call), never like a wrong replay.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  claim(key: string, digest: string, inFlightTtlMs: number): Promise<IdempotencyClaim> {
    const entry = this.live(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      return Promise.resolve(
        entry.response
          ? { kind: 'completed', digest: entry.digest, response: entry.response }
          : { kind: 'in-flight', digest: entry.digest },
      );
    }
    this.put(key, { digest, expiresAt: this.now() + inFlightTtlMs, bytes: 0 });
    return Promise.resolve({ kind: 'claimed' });
  }

  complete(key: string, digest: string, response: StoredResponse, ttlSeconds: number): Promise<void> {
    const bytes = response.body.length + 256;
    if (bytes > this.maxBytes) {
      this.remove(key);
      return Promise.resolve();
    }
    this.put(key, { digest, response, expiresAt: this.now() + ttlSeconds * 1000, bytes });
    return Promise.resolve();
  }

  release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry && !entry.response) this.remove(key);
    return Promise.resolve();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, entry: Entry): void {
    this.remove(key);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
