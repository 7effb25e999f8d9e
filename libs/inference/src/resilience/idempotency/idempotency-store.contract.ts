import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IdempotencyStore, StoredResponse } from './idempotency.types';

/** A key no other test (or run) uses. */
function key(): string {
  return `contract-${randomUUID()}`;
}

const RESPONSE: StoredResponse = { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"outputs":[]}') };

/**
 * The behaviour every IdempotencyStore must have, run against the memory store (unit) and Redis
 * (integration).
 */
export function idempotencyStoreContract(name: string, createStore: () => IdempotencyStore | Promise<IdempotencyStore>): void {
  describe(`${name} (IdempotencyStore contract)`, () => {
    let sut: IdempotencyStore;

    beforeEach(async () => {
      sut = await createStore();
    });

    it('claims a new key exactly once, even for concurrent claims', async () => {
      const k = key();
      const claims = await Promise.all([sut.claim(k, 'a', 5_000), sut.claim(k, 'a', 5_000), sut.claim(k, 'b', 5_000)]);
      expect(claims.filter((claim) => claim.kind === 'claimed')).toHaveLength(1);
      expect(claims.filter((claim) => claim.kind === 'in-flight')).toEqual([
        { kind: 'in-flight', digest: 'a' },
        { kind: 'in-flight', digest: 'a' },
      ]);
    });

    it('returns the completed response with the digest of the first request', async () => {
      const k = key();
      await sut.claim(k, 'digest-1', 5_000);
      await sut.complete(k, 'digest-1', RESPONSE, 60);
      const claim = await sut.claim(k, 'digest-2', 5_000);
      expect(claim).toEqual({ kind: 'completed', digest: 'digest-1', response: RESPONSE });
    });

    it('lets the key be claimed again after a release, but a release never drops a stored response', async () => {
      const k = key();
      await sut.claim(k, 'd', 5_000);
      await sut.release(k);
      expect(await sut.claim(k, 'd', 5_000)).toEqual({ kind: 'claimed' });

      await sut.complete(k, 'd', RESPONSE, 60);
      await sut.release(k);
      expect((await sut.claim(k, 'd', 5_000)).kind).toBe('completed');
    });

    it('forgets an in-flight claim after its TTL (a crashed replica does not block the key)', async () => {
      const k = key();
      await sut.claim(k, 'd', 50);
      await sleep(120);
      expect(await sut.claim(k, 'd', 5_000)).toEqual({ kind: 'claimed' });
    });

    it('forgets a completed response after the window', async () => {
      const k = key();
      await sut.claim(k, 'd', 5_000);
      await sut.complete(k, 'd', RESPONSE, 1);
      await sleep(1_100);
      expect(await sut.claim(k, 'd', 5_000)).toEqual({ kind: 'claimed' });
    });

    it('keeps binary bodies byte for byte', async () => {
      const k = key();
      const body = Buffer.from([0, 255, 1, 254, 10, 13]);
      await sut.claim(k, 'd', 5_000);
      await sut.complete(k, 'd', { status: 201, headers: {}, body }, 60);
      const claim = await sut.claim(k, 'd', 5_000);
      expect(claim.kind === 'completed' && claim.response.body.equals(body)).toBe(true);
    });
  });
}
