/**
 * Authentication cost per request (issue 15): the AuthenticationGuard's canActivate through
 * @nestjs/passport (AuthGuard, passport.authenticate, the bearer strategy) against the same guard work
 * with the verifier called directly (the guard as it was before passport came back), and the verifier
 * alone; same process, same cached access token. Every row builds a fresh request object and execution
 * context per call, as Fastify and Nest do, so that passport's per-request properties are paid as they
 * are in the gateway.
 *
 *   node -r @swc-node/register bench/authentication.bench.ts [iterations]
 */
import 'reflect-metadata';
import { Controller, ExecutionContext, Get, Module } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { AuditService } from '@infergate/audit';
import { RouteMetadataCache, validateOptions } from '@infergate/common';
import type { Principal, Scope } from '@infergate/contracts';
import { GatewayMetrics, LabelChildren, withSpan } from '@infergate/observability';
import { AuthenticationGuard } from '../libs/identity/src/authentication/authentication.guard';
import { CredentialStrategyRegistry } from '../libs/identity/src/authentication/credential-strategy.registry';
import { presentedCredential } from '../libs/identity/src/authentication/credentials';
import { AUTHENTICATION_REQUEST_PROPERTIES } from '../libs/identity/src/authentication/request-properties';
import {
  ACCESS_TOKEN_VERIFIER,
  API_KEY_VERIFIER,
  CERTIFICATE_AUTHENTICATOR,
  type AccessTokenVerifier,
  type CredentialContext,
} from '../libs/identity/src/authentication/credential-verifiers';
import { FailedAuthLimiter } from '../libs/identity/src/authentication/failed-auth.limiter';
import { ipInAnyCidr } from '../libs/identity/src/authentication/ip-match';
import { REQUIRED_SCOPES_KEY, RequireScopes } from '../libs/identity/src/authentication/scopes.decorator';
import { ApiKeyStrategy, BearerTokenStrategy, ClientCertificateStrategy } from '../libs/identity/src/authentication/strategies';
import { SuccessAuditSampler } from '../libs/identity/src/authentication/success-audit-sampler';
import { CLIENT_CERTIFICATE_READER } from '../libs/identity/src/mtls/client-certificate';
import { MemoryRevocationStore } from '../libs/identity/src/revocation/memory-revocation.store';
import { VerifiedTokenCache } from '../libs/identity/src/tokens/verified-token.cache';
import { IDENTITY_OPTIONS, IdentityModuleOptions } from '../libs/identity/src/identity.options';
import { DiscoveryModule } from '@nestjs/core';
import { IS_PUBLIC_KEY } from '@infergate/common';

const iterations = Math.max(20_000, Number(process.argv[2] ?? 0) || 0);
const TOKEN = `eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImJlbmNoIn0.${Buffer.from(JSON.stringify({ sub: 'app-bench', scope: 'infer' })).toString('base64url')}.${'s'.repeat(86)}`;

const PRINCIPAL: Principal = {
  kind: 'application',
  subject: 'app-bench',
  clientId: 'app_bench',
  orgId: 'org-bench',
  projectIds: [],
  roles: [{ role: 'model-consumer', orgId: 'org-bench', projectId: null }],
  scopes: ['infer', 'models:read'],
  clearance: 'internal',
  allowedRegions: [],
  allowedCidrs: [],
  authMethod: 'access_token',
  tokenId: 'jti-bench',
};

/** The access-token verifier's cached path: SHA-256 key, LRU hit, revocation check (memory store), a copy of the principal. */
function cachedVerifier(): AccessTokenVerifier {
  const cache = new VerifiedTokenCache({ maxEntries: 10_000 });
  const revocations = new MemoryRevocationStore();
  cache.set(VerifiedTokenCache.keyOf(TOKEN), { principal: PRINCIPAL, jti: 'jti-bench', issuedAt: 0, expiresAt: Date.now() / 1000 + 3600 });
  return {
    async verify(token: string, _context: CredentialContext): Promise<Principal> {
      const entry = cache.get(VerifiedTokenCache.keyOf(token));
      if (!entry) throw new Error('cache miss');
      if (await revocations.isRevoked({ jti: entry.jti, subject: entry.principal.subject, issuedAt: entry.issuedAt }))
        throw new Error('revoked');
      return { ...entry.principal };
    },
  };
}

@Controller()
class InferenceLikeController {
  @RequireScopes('infer')
  @Get('infer')
  infer(): void {}
}

const verifier = cachedVerifier();
const unused = { verify: () => Promise.reject(new Error('unused')), authenticate: () => Promise.resolve(undefined) };

@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: IDENTITY_OPTIONS,
      useValue: validateOptions(IdentityModuleOptions, { masterKey: Buffer.alloc(32, 1).toString('base64') }, 'identity'),
    },
    { provide: AuditService, useValue: { record: () => Promise.resolve('') } },
    { provide: GatewayMetrics, useValue: new GatewayMetrics() },
    { provide: CLIENT_CERTIFICATE_READER, useValue: { read: () => undefined } },
    { provide: ACCESS_TOKEN_VERIFIER, useValue: verifier },
    { provide: API_KEY_VERIFIER, useValue: unused },
    { provide: CERTIFICATE_AUTHENTICATOR, useValue: unused },
    FailedAuthLimiter,
    BearerTokenStrategy,
    ApiKeyStrategy,
    ClientCertificateStrategy,
    CredentialStrategyRegistry,
    AuthenticationGuard,
  ],
})
class BenchModule {}

/** A request as Fastify builds one: a fresh object per request, headers as Node parsed them, the raw header list. */
class BenchRequest {
  readonly id = 'req-1';
  readonly ip = '10.1.2.3';
  readonly url = '/v1/models/demo/infer';
  readonly method = 'POST';
  readonly headers: Record<string, string>;
  readonly raw: { rawHeaders: string[]; principal?: Principal };
  principal?: Principal;
  constructor() {
    const rawHeaders = [
      'Host', 'gateway.local', 'User-Agent', 'bench/1.0', 'Accept', 'application/json', 'Content-Type', 'application/json',
      'Content-Length', '42', 'X-Request-Id', 'req-1', 'traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'Authorization', `Bearer ${TOKEN}`, 'Accept-Encoding', 'gzip', 'Connection', 'keep-alive',
    ]; // prettier-ignore
    const headers: Record<string, string> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i].toLowerCase()] = rawHeaders[i + 1];
    this.headers = headers;
    this.raw = { rawHeaders };
    // What the identity module declares on Fastify's request, initialized as Fastify's Request constructor does.
    for (const name of AUTHENTICATION_REQUEST_PROPERTIES) (this as Record<string, unknown>)[name] = undefined;
  }
}

/** Nest's ExecutionContextHost, reduced to what the guards read; one per request as in Nest. */
class BenchContext {
  constructor(private readonly request: BenchRequest) {}
  switchToHttp() {
    return { getRequest: () => this.request, getResponse: () => ({}) };
  }
  getClass() {
    return InferenceLikeController;
  }
  getHandler() {
    return InferenceLikeController.prototype.infer;
  }
}

/** The guard's flow with the verifier called directly: the AuthenticationGuard before passport came back. */
function directGuard(reflector: Reflector, limiter: FailedAuthLimiter, metrics: GatewayMetrics, tokens: AccessTokenVerifier) {
  const successAudit = new SuccessAuditSampler();
  const attempts = new LabelChildren((method, outcome, reason) => metrics.authentications.labels(method, outcome, reason));
  const routes = new RouteMetadataCache((targets) => ({
    isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true,
    requiredScopes: reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES_KEY, targets),
  }));
  const authenticate = async (context: ExecutionContext, required: Scope[] | undefined) => {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    const clientIp = request.ip;
    limiter.assertAllowed(clientIp);
    const credential = presentedCredential(request as never);
    if (credential.kind !== 'bearer') throw new Error('bench presents a bearer token');
    const principal = await tokens.verify(credential.value, { clientIp, certificate: undefined });
    if (principal.allowedCidrs.length > 0 && !ipInAnyCidr(clientIp, principal.allowedCidrs)) throw new Error('cidr');
    request.principal = principal;
    request.raw.principal = principal;
    attempts.of(principal.authMethod, 'success', 'ok').inc();
    successAudit.shouldAudit(`${principal.authMethod}:${principal.tokenId ?? principal.subject}`, request.ip);
    if (required && !required.every((scope) => principal.scopes.includes(scope))) throw new Error('scope');
    return true;
  };
  return (context: ExecutionContext) => {
    const route = routes.of(context);
    if (route.isPublic) return Promise.resolve(true);
    return withSpan('authenticate', () => authenticate(context, route.requiredScopes));
  };
}

interface Row {
  name: string;
  nsPerOp: number;
}

async function measure(name: string, op: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 5_000; i++) await op();
  let best = Infinity;
  // Best of five rounds: the machine is shared; the least disturbed round is the cost.
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await op();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return { name, nsPerOp: best };
}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const guard = app.get(AuthenticationGuard);
  const direct = directGuard(app.get(Reflector), app.get(FailedAuthLimiter), app.get(GatewayMetrics), verifier);
  const once = new BenchRequest();
  if (!(await guard.canActivate(new BenchContext(once) as unknown as ExecutionContext)) || once.principal?.subject !== 'app-bench') {
    throw new Error('the guard did not authenticate the bench request');
  }

  const rows: Row[] = [];
  rows.push(await measure('verifier alone (cached token)', () => verifier.verify(TOKEN, { clientIp: '10.1.2.3' })));
  rows.push(
    await measure('guard, verifier called directly', () => direct(new BenchContext(new BenchRequest()) as unknown as ExecutionContext)),
  );
  rows.push(
    await measure('guard through passport (AuthGuard)', () =>
      guard.canActivate(new BenchContext(new BenchRequest()) as unknown as ExecutionContext),
    ),
  );
  await app.close();

  console.log(`authentication per request, bearer token from the verifier's cache; node ${process.version}, best of 5 × ${iterations}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'path'.padEnd(width)}  ${'ns/call'.padStart(8)}`);
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.nsPerOp.toFixed(0).padStart(8)}`);
  const [, viaDirect, viaPassport] = rows;
  console.log(
    `passport / direct = ${(viaPassport.nsPerOp / viaDirect.nsPerOp).toFixed(2)}×, passport costs ${((viaPassport.nsPerOp - viaDirect.nsPerOp) / 1000).toFixed(2)} µs more per call`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
