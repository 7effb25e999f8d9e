import { setTimeout as sleep } from 'node:timers/promises';
import { RevocationStore } from './revocation-store.interface';

/** The behaviour every RevocationStore must have; run against the memory store and against Redis. */
export function revocationStoreContract(name: string, create: () => Promise<RevocationStore> | RevocationStore): void {
  describe(`${name} (RevocationStore contract)`, () => {
    let sut: RevocationStore;
    const now = () => Math.floor(Date.now() / 1000);

    beforeEach(async () => {
      sut = await create();
    });

    it('refuses a revoked jti until it expires, and only that jti', async () => {
      await sut.revokeToken('jti-1', new Date(Date.now() + 300));
      expect(await sut.isRevoked({ jti: 'jti-1', subject: 's', issuedAt: now() })).toBe(true);
      expect(await sut.isRevoked({ jti: 'jti-2', subject: 's', issuedAt: now() })).toBe(false);
      await sleep(450);
      expect(await sut.isRevoked({ jti: 'jti-1', subject: 's', issuedAt: now() })).toBe(false);
    });

    it('refuses tokens of a revoked subject issued up to the cut-off, and not later ones', async () => {
      const issuedBefore = new Date();
      await sut.revokeSubject('app-1', issuedBefore, 60);
      expect(await sut.isRevoked({ jti: 'a', subject: 'app-1', issuedAt: Math.floor(issuedBefore.getTime() / 1000) - 5 })).toBe(true);
      expect(await sut.isRevoked({ jti: 'b', subject: 'app-1', issuedAt: Math.floor(issuedBefore.getTime() / 1000) + 5 })).toBe(false);
      expect(await sut.isRevoked({ jti: 'c', subject: 'app-2', issuedAt: 0 })).toBe(false);
      expect(await sut.isRevoked({ subject: 'app-1' })).toBe(true);
    });

    it('ignores a revocation that has already expired', async () => {
      await sut.revokeToken('old', new Date(Date.now() - 1000));
      expect(await sut.isRevoked({ jti: 'old', subject: 's' })).toBe(false);
    });
  });
}
