/**
 * A Map that keeps at most `capacity` entries, dropping the least recently used: per-client detector
 * state stays bounded however many clients (or spoofed sources) there are.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  /** The most recently used key: touching it again needs no re-insertion (the common case of a busy client). */
  private newest: K | undefined;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry, marked as most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, value);
      this.newest = key;
    }
    return value;
  }

  /** The entry for `key`, created with `create` when missing (evicting the least recently used). */
  getOrCreate(key: K, create: () => V): V {
    const existing = this.get(key);
    if (existing !== undefined) return existing;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const value = create();
    this.entries.set(key, value);
    this.newest = key;
    return value;
  }

  /** Sets `key` as the most recently used entry (evicting the least recently used when full). */
  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
    this.newest = key;
  }

  delete(key: K): void {
    this.entries.delete(key);
    if (key === this.newest) this.newest = undefined;
  }
}
