import type { DatabaseService } from '@infergate/database';
import type { SecretBox } from '../crypto/secret-box';
import { IdpUnavailableError } from './idp-http';
import type { TrustedIssuerEntity } from './trusted-issuer.entity';
import { TrustedIssuerRegistry } from './trusted-issuer.registry';

const row = (issuer: string, updatedAt = new Date(0)): TrustedIssuerEntity => ({
  id: issuer,
  issuer,
  orgId: null,
  jwksUri: `${issuer}/jwks`,
  discovery: false,
  audience: 'a',
  algorithms: ['RS256'],
  claimMapping: {},
  clockSkewSeconds: 30,
  introspectionEndpoint: null,
  introspectionClientId: null,
  introspectionClientSecret: null,
  status: 'active',
  createdAt: updatedAt,
  updatedAt,
});

describe(TrustedIssuerRegistry.name, () => {
  let rows: TrustedIssuerEntity[];
  let reads: number;
  let failing: boolean;
  let sut: TrustedIssuerRegistry;

  beforeEach(() => {
    rows = [row('https://a.example')];
    reads = 0;
    failing = false;
    const repository = {
      find: () => {
        reads += 1;
        return failing ? Promise.reject(new Error('database down')) : Promise.resolve([...rows]);
      },
    };
    sut = new TrustedIssuerRegistry({ repository: () => repository } as unknown as DatabaseService, {} as SecretBox);
  });

  it('answers unknown issuers from memory: a flood of them reads the table once', async () => {
    for (let i = 0; i < 100; i += 1) expect(await sut.find(`https://random-${i}.example`)).toBeUndefined();
    expect(await sut.find('https://a.example')).toBeDefined();
    expect(reads).toBe(1);
  });

  it('re-reads after a change made here, keeping the key cache of unchanged issuers', async () => {
    const before = await sut.find('https://a.example');
    const generation = sut.generation;
    rows.push(row('https://b.example'));
    sut.invalidate();
    expect(await sut.find('https://b.example')).toBeDefined();
    expect((await sut.find('https://a.example'))?.keys).toBe(before?.keys);
    expect(sut.generation).toBeGreaterThan(generation);
    rows = [];
    sut.invalidate();
    expect(await sut.find('https://a.example')).toBeUndefined();
    expect(sut.isActive('https://a.example')).toBe(false);
  });

  it('refuses to judge external tokens before the table was ever read, and keeps the list when a re-read fails', async () => {
    failing = true;
    await expect(sut.find('https://a.example')).rejects.toBeInstanceOf(IdpUnavailableError);
    const readsAfterFailure = reads;
    await expect(sut.find('https://a.example')).rejects.toBeInstanceOf(IdpUnavailableError);
    expect(reads).toBe(readsAfterFailure);

    failing = false;
    const fresh = new TrustedIssuerRegistry(
      { repository: () => ({ find: () => Promise.resolve(rows) }) } as unknown as DatabaseService,
      {} as SecretBox,
    );
    expect(await fresh.find('https://a.example')).toBeDefined();
  });

  it('keeps the list it holds when a re-read fails', async () => {
    expect(await sut.find('https://a.example')).toBeDefined();
    failing = true;
    sut.invalidate();
    expect(await sut.find('https://a.example')).toBeDefined();
  });
});
