import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { IdpUnavailableError } from './idp-http';
import { JwksCache } from './jwks-cache';

async function keyPair(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } as JWK };
}

const sign = (privateKey: CryptoKey, kid: string) =>
  new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256', kid }).setIssuedAt().setExpirationTime('5m').sign(privateKey);

describe(JwksCache.name, () => {
  let now: number;
  let fetches: number;
  let published: JSONWebKeySet;
  let down: boolean;
  let known: Awaited<ReturnType<typeof keyPair>>;
  const source = () => {
    fetches += 1;
    return down ? Promise.reject(new IdpUnavailableError('down')) : Promise.resolve(published);
  };
  const verify = (sut: JwksCache, token: string) => jwtVerify(token, sut.getKey, { algorithms: ['ES256'] });

  beforeEach(async () => {
    now = 1_000_000;
    fetches = 0;
    down = false;
    known = await keyPair('known');
    published = { keys: [known.jwk] };
  });

  it('fetches once and then verifies from memory', async () => {
    const sut = new JwksCache(source, { cooldownMs: 30_000, now: () => now });
    for (let i = 0; i < 5; i += 1) await verify(sut, await sign(known.privateKey, 'known'));
    expect(fetches).toBe(1);
  });

  it('answers a flood of 1,000 random kids with at most one fetch per cooldown (single-flight)', async () => {
    const sut = new JwksCache(source, { cooldownMs: 30_000, now: () => now });
    await verify(sut, await sign(known.privateKey, 'known'));
    now += 31_000;
    const attacker = await keyPair('attacker');
    const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => sign(attacker.privateKey, `random-${i}`)));
    const outcomes = await Promise.allSettled(tokens.map((token) => verify(sut, token)));
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(fetches).toBe(2);
    for (const token of tokens.slice(0, 100)) await expect(verify(sut, token)).rejects.toThrow();
    expect(fetches).toBe(2);
    now += 30_000;
    await expect(verify(sut, tokens[0])).rejects.toThrow();
    expect(fetches).toBe(3);
  });

  it('learns a newly published key on an unknown kid once the cooldown has passed', async () => {
    const sut = new JwksCache(source, { cooldownMs: 30_000, now: () => now });
    await verify(sut, await sign(known.privateKey, 'known'));
    const rotated = await keyPair('rotated');
    published = { keys: [known.jwk, rotated.jwk] };
    await expect(verify(sut, await sign(rotated.privateKey, 'rotated'))).rejects.toThrow();
    now += 30_000;
    await expect(verify(sut, await sign(rotated.privateKey, 'rotated'))).resolves.toBeDefined();
  });

  it('keeps verifying known kids from cache while the source is down', async () => {
    const sut = new JwksCache(source, { cooldownMs: 1_000, refreshIntervalMs: 5_000, now: () => now });
    await verify(sut, await sign(known.privateKey, 'known'));
    down = true;
    now += 60_000;
    await expect(verify(sut, await sign(known.privateKey, 'known'))).resolves.toBeDefined();
    await expect(verify(sut, await sign(known.privateKey, 'unknown'))).rejects.toThrow();
    await expect(verify(sut, await sign(known.privateKey, 'known'))).resolves.toBeDefined();
  });

  it('refreshes in the background once the set is old, keeping the old set on failure', async () => {
    const sut = new JwksCache(source, { cooldownMs: 1_000, refreshIntervalMs: 10_000, now: () => now });
    await verify(sut, await sign(known.privateKey, 'known'));
    now += 11_000;
    down = true;
    await verify(sut, await sign(known.privateKey, 'known'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(fetches).toBe(2);
    await expect(verify(sut, await sign(known.privateKey, 'known'))).resolves.toBeDefined();
  });

  it('fails with IdpUnavailableError when the first fetch fails, and does not retry within the cooldown', async () => {
    down = true;
    const sut = new JwksCache(source, { cooldownMs: 30_000, now: () => now });
    const token = await sign(known.privateKey, 'known');
    await expect(verify(sut, token)).rejects.toBeInstanceOf(IdpUnavailableError);
    await expect(verify(sut, token)).rejects.toBeInstanceOf(IdpUnavailableError);
    expect(fetches).toBe(1);
    down = false;
    now += 30_000;
    await expect(verify(sut, token)).resolves.toBeDefined();
  });

  it('ignores symmetric and private keys a source publishes', async () => {
    const secret = { kty: 'oct', k: Buffer.from('public-key-as-hmac-secret').toString('base64url'), kid: 'hmac', alg: 'HS256' };
    published = { keys: [known.jwk, secret] };
    const sut = new JwksCache(source, { now: () => now });
    await verify(sut, await sign(known.privateKey, 'known'));
    expect(sut.knownKids()).toEqual(['known']);
  });
});
