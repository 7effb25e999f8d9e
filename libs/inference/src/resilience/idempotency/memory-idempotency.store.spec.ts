import { idempotencyStoreContract } from './idempotency-store.contract';
import { MemoryIdempotencyStore } from './memory-idempotency.store';

idempotencyStoreContract('MemoryIdempotencyStore', () => new MemoryIdempotencyStore());

describe(MemoryIdempotencyStore.name, () => {
  const response = (bytes: number) => ({ status: 200, headers: {}, body: Buffer.alloc(bytes) });

  it('keeps at most maxEntries keys, dropping the least recently used', async () => {
    const sut = new MemoryIdempotencyStore({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await sut.claim(k, k, 60_000);
    await sut.claim('a', 'a', 60_000); // touch a: b is now the oldest
    await sut.claim('d', 'd', 60_000);
    expect(sut.size).toBe(3);
    expect(await sut.claim('b', 'b', 60_000)).toEqual({ kind: 'claimed' });
    expect((await sut.claim('a', 'a', 60_000)).kind).toBe('in-flight');
  });

  it('keeps at most maxBytes of responses and never stores one larger than the bound', async () => {
    const sut = new MemoryIdempotencyStore({ maxBytes: 10_000 });
    for (const k of ['a', 'b', 'c']) {
      await sut.claim(k, k, 60_000);
      await sut.complete(k, k, response(4_000), 60);
    }
    expect((await sut.claim('a', 'a', 60_000)).kind).toBe('claimed');
    expect((await sut.claim('c', 'c', 60_000)).kind).toBe('completed');

    await sut.claim('huge', 'h', 60_000);
    await sut.complete('huge', 'h', response(20_000), 60);
    expect(await sut.claim('huge', 'h', 60_000)).toEqual({ kind: 'claimed' });
  });
});
