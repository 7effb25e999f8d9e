import { calculateJwkThumbprint, importJWK, SignJWT, jwtVerify, createLocalJWKSet, JWK } from 'jose';
import { AuditService } from '@infergate/audit';
import { SecretBox } from '../crypto/secret-box';
import { SigningKeyEntity } from './signing-key.entity';
import { PRIVATE_JWK_MEMBERS, SigningKeysService } from './signing-keys.service';
import { createOAuthHarness, OAuthHarness } from './testing/oauth-test-harness';

const SECOND = 1000;

describe(SigningKeysService.name, () => {
  let harness: OAuthHarness;
  let sut: SigningKeysService;

  const rows = () => harness.database.repository(SigningKeyEntity).find({ order: { createdAt: 'ASC' } });
  /** Another gateway replica: its own caches, the same database. */
  const replica = () => new SigningKeysService(harness.database, harness.app.get(SecretBox), harness.app.get(AuditService), harness.config);

  afterEach(() => harness.close());

  describe('with the default algorithm', () => {
    beforeEach(async () => {
      harness = await createOAuthHarness({ accessTokenTtlSeconds: 600, clockSkewSeconds: 30, signingKeyRotationDays: 30 });
      sut = harness.app.get(SigningKeysService);
    });

    it('creates exactly one active key on first start, named by its RFC 7638 thumbprint', async () => {
      await sut.maintain();
      const [key, ...others] = await rows();
      expect(others).toEqual([]);
      expect(key).toMatchObject({ status: 'active', algorithm: 'ES256', retiresAt: null, expiresAt: null });
      expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk as JWK, 'sha256'));
      expect((await sut.publicJwks()).keys.map((jwk) => jwk.kid)).toEqual([key.kid]);
      expect((await sut.signingKey()).kid).toBe(key.kid);
    });

    it('stores the private key sealed: no private member in clear, bound to its own row', async () => {
      await sut.maintain();
      const [key] = await rows();
      expect(key.privateKey).toMatch(/^v1\./);
      expect(() => JSON.parse(key.privateKey) as unknown).toThrow();
      expect(key.privateKey).not.toMatch(/"d"/);
      expect(JSON.stringify(key.publicJwk)).not.toMatch(/"d"/);

      const box = harness.app.get(SecretBox);
      const opened = JSON.parse(box.open(key.privateKey, `signing-key:${key.kid}`)) as JWK;
      expect(opened.d).toEqual(expect.any(String));
      expect(opened.x).toBe(key.publicJwk.x);
      expect(key.privateKey).not.toContain(opened.d);
      // Moved to another row, the ciphertext does not open.
      expect(() => box.open(key.privateKey, 'signing-key:someone-else')).toThrow();
    });

    it('never publishes private members, even when a stored public JWK was tampered with', async () => {
      await sut.maintain();
      const [key] = await rows();
      const box = harness.app.get(SecretBox);
      const privateJwk = JSON.parse(box.open(key.privateKey, `signing-key:${key.kid}`)) as Record<string, unknown>;
      await harness.database.repository(SigningKeyEntity).save({ ...key, publicJwk: { ...key.publicJwk, ...privateJwk } });

      const fresh = replica();
      const { keys } = await fresh.publicJwks();
      expect(keys).toHaveLength(1);
      for (const member of PRIVATE_JWK_MEMBERS) expect(keys[0]).not.toHaveProperty(member);
      expect(Object.keys(keys[0]).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(await fresh.findPublicKey(key.kid)).not.toHaveProperty('d');
    });

    it('publishes a rotated key before it signs, then retires the old key until its tokens have expired', async () => {
      const t0 = new Date();
      await sut.maintain(t0);
      const oldKid = (await sut.signingKey(t0)).kid;

      const rotated = await sut.rotate({}, t0);
      expect(rotated.status).toBe('pending');
      expect(rotated.activatesAt.getTime()).toBe(t0.getTime() + sut.propagationDelaySeconds * SECOND);
      expect(sut.propagationDelaySeconds).toBe(600);
      // Published at once, but the old key keeps signing until the activation time.
      expect((await sut.publicJwks({}, t0)).keys.map((k) => k.kid).sort()).toEqual([oldKid, rotated.kid].sort());
      const justBefore = new Date(rotated.activatesAt.getTime() - 1);
      expect((await sut.signingKey(justBefore)).kid).toBe(oldKid);

      const t1 = rotated.activatesAt;
      await sut.maintain(t1);
      expect((await sut.signingKey(t1)).kid).toBe(rotated.kid);
      const byKid = new Map((await rows()).map((row) => [row.kid, row]));
      expect(byKid.get(rotated.kid)?.status).toBe('active');
      expect(byKid.get(oldKid)).toMatchObject({ status: 'retired', retiresAt: t1 });
      const expiresAt = byKid.get(oldKid)?.expiresAt as Date;
      expect(expiresAt.getTime()).toBe(t1.getTime() + (600 + 30) * SECOND);

      // Still published while a token it signed could be valid ...
      const beforeExpiry = new Date(expiresAt.getTime() - 1);
      await sut.maintain(beforeExpiry);
      expect((await sut.publicJwks({}, beforeExpiry)).keys.map((k) => k.kid).sort()).toEqual([oldKid, rotated.kid].sort());
      // ... and gone after.
      await sut.maintain(expiresAt);
      expect((await sut.publicJwks({}, expiresAt)).keys.map((k) => k.kid)).toEqual([rotated.kid]);
      expect((await rows()).map((row) => row.kid)).toEqual([rotated.kid]);
    });

    it('keeps tokens signed by the old key verifiable against the JWKS after rotation', async () => {
      await sut.maintain();
      const old = await sut.signingKey();
      const oldToken = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: old.alg, kid: old.kid }).sign(old.key);
      const rotated = await sut.rotate({ activateAt: new Date() });
      const current = await sut.signingKey();
      expect(current.kid).toBe(rotated.kid);
      const jwks = createLocalJWKSet(await sut.publicJwks());
      expect((await jwtVerify(oldToken, jwks)).protectedHeader.kid).toBe(old.kid);
    });

    it('schedules a rotation when the active key is older than the rotation period', async () => {
      const t0 = new Date();
      await sut.maintain(t0);
      await sut.maintain(new Date(t0.getTime() + 29 * 86_400 * SECOND));
      expect((await rows()).map((row) => row.status)).toEqual(['active']);

      const due = new Date(t0.getTime() + 30 * 86_400 * SECOND);
      await sut.maintain(due);
      expect((await rows()).map((row) => row.status)).toEqual(['active', 'pending']);
      // Not a second one while the first is waiting.
      await sut.maintain(new Date(due.getTime() + SECOND));
      expect(await rows()).toHaveLength(2);
    });

    it('lets replicas starting together agree on one signing key', async () => {
      await harness.database.repository(SigningKeyEntity).clear();
      const replicas = [replica(), replica(), replica(), replica()];
      await Promise.all(replicas.map((instance) => instance.maintain()));
      await Promise.all(replicas.map((instance) => instance.maintain()));
      const active = (await rows()).filter((row) => row.status === 'active');
      expect(active).toHaveLength(1);
      const kids = await Promise.all(replicas.map(async (instance) => (await instance.signingKey()).kid));
      expect(new Set(kids)).toEqual(new Set([active[0].kid]));
    });

    it('finds a key another replica created by reloading on an unknown kid, at most once per cooldown', async () => {
      await sut.maintain();
      await sut.publicJwks();
      const rotated = await replica().rotate();
      const repository = jest.spyOn(harness.database, 'repository');

      expect(await sut.findPublicKey(rotated.kid)).toMatchObject({ kid: rotated.kid, alg: 'ES256', use: 'sig' });
      const reloads = repository.mock.calls.length;
      expect(reloads).toBe(1);
      for (let i = 0; i < 100; i += 1) expect(await sut.findPublicKey(`random-${i}`)).toBeUndefined();
      expect(repository.mock.calls.length).toBe(reloads);
    });

    it('lists keys with their dates and no private material', async () => {
      await sut.maintain();
      await sut.rotate();
      const listed = await sut.list();
      expect(listed.map((key) => key.status)).toEqual(['pending', 'active']);
      for (const key of listed) {
        expect(Object.keys(key).sort()).toEqual(['activatesAt', 'algorithm', 'createdAt', 'expiresAt', 'kid', 'retiresAt', 'status']);
      }
    });
  });

  it.each(['RS256', 'EdDSA'] as const)('generates %s keys whose JWKS entry carries only public members', async (algorithm) => {
    harness = await createOAuthHarness({ signingAlgorithm: algorithm });
    sut = harness.app.get(SigningKeysService);
    const signer = await sut.signingKey();
    expect(signer.alg).toBe(algorithm);
    const { keys } = await sut.publicJwks();
    expect(keys).toHaveLength(1);
    for (const member of PRIVATE_JWK_MEMBERS) expect(keys[0]).not.toHaveProperty(member);
    const token = await new SignJWT({}).setProtectedHeader({ alg: signer.alg, kid: signer.kid }).sign(signer.key);
    await expect(jwtVerify(token, await importJWK(keys[0], algorithm))).resolves.toBeDefined();
  });
});
