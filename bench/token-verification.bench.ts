/**
 * Token verification cost (issue 9, micro-benchmarks): the gateway's own verifier on a locally signed
 * ES256 access token (RFC 9068, `typ: at+jwt`) — cold (full signature check and claim parsing, what a
 * verification-cache miss costs) against cached (SHA-256 of the token, LRU lookup, revocation check
 * in the memory store: what every request with a known token still pays).
 *
 *   node -r @swc-node/register bench/token-verification.bench.ts [iterations]
 */
import 'reflect-metadata';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { validateOptions } from '@infergate/common';
import { IdentityModuleOptions } from '@infergate/identity';
import { MemoryRevocationStore } from '../libs/identity/src/revocation/memory-revocation.store';
import { LocalTokenVerifier } from '../libs/identity/src/tokens/local-token.verifier';
import { VerifiedTokenCache } from '../libs/identity/src/tokens/verified-token.cache';

const iterations = Math.max(2_000, Number(process.argv[2] ?? 0) || 0);
const ISSUER = 'https://gateway.bench';

async function main(): Promise<void> {
  const config = validateOptions(IdentityModuleOptions, { issuer: ISSUER, masterKey: Buffer.alloc(32, 1).toString('base64') }, 'identity');
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-key', alg: 'ES256', use: 'sig' };
  const verifier = new LocalTokenVerifier(config, { publicJwks: () => Promise.resolve({ keys: [jwk] }) });
  const now = Math.floor(Date.now() / 1000);
  const sign = () =>
    new SignJWT({
      client_id: 'app_bench',
      org_id: 'org-bench',
      scope: 'infer models:read',
      roles: ['model-consumer'],
      project_ids: [],
      clearance: 'internal',
      regions: [],
      cidrs: [],
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'bench-key' })
      .setIssuer(ISSUER)
      .setAudience(config.audience)
      .setSubject('app-bench')
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
  const token = await sign();
  const verified = await verifier.verify(token); // also loads the key set once
  if (verified.principal.orgId !== 'org-bench') throw new Error('bench token did not verify as expected');

  const cache = new VerifiedTokenCache({ maxEntries: 10_000 });
  const revocations = new MemoryRevocationStore();
  const cachedVerify = async (t: string) => {
    const entry = cache.get(VerifiedTokenCache.keyOf(t));
    if (!entry) throw new Error('cache miss');
    if (await revocations.isRevoked({ jti: entry.jti, subject: entry.principal.subject, issuedAt: entry.issuedAt }))
      throw new Error('revoked');
    return { ...entry.principal };
  };
  cache.set(VerifiedTokenCache.keyOf(token), verified);

  // Wall time per operation, and process CPU per operation (jose verifies through WebCrypto, whose
  // signature check runs on libuv's thread pool: off the event loop, but still this process's CPU).
  const measure = async (name: string, count: number, op: () => Promise<unknown>) => {
    for (let i = 0; i < Math.min(500, count); i++) await op();
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await op();
    const wallNs = Number(process.hrtime.bigint() - start);
    const used = process.cpuUsage(cpu);
    return { name, nsPerOp: wallNs / count, cpuUsPerOp: (used.user + used.system) / count };
  };
  const rows = [
    await measure('cold: jose ES256 verify + claims + principal', iterations, () => verifier.verify(token)),
    await measure('cached: sha256 key + LRU hit + revocation (memory)', iterations * 20, () => cachedVerify(token)),
    await measure('key only: sha256 of the token', iterations * 20, () => Promise.resolve(VerifiedTokenCache.keyOf(token))),
  ];
  console.log(`token verification (ES256, ${token.length}-char token), node ${process.version}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'operation'.padEnd(width)}  ${'wall µs/op'.padStart(10)}  ${'CPU µs/op'.padStart(9)}  ${'ops/s'.padStart(10)}`);
  for (const r of rows) {
    const wall = (r.nsPerOp / 1000).toFixed(2).padStart(10);
    const cpu = r.cpuUsPerOp.toFixed(2).padStart(9);
    console.log(
      `${r.name.padEnd(width)}  ${wall}  ${cpu}  ${Math.round(1e9 / r.nsPerOp)
        .toLocaleString('en-US')
        .padStart(10)}`,
    );
  }
  console.log(
    `cold / cached = ${(rows[0].nsPerOp / rows[1].nsPerOp).toFixed(0)}× wall, ${(rows[0].cpuUsPerOp / rows[1].cpuUsPerOp).toFixed(0)}× CPU`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
