import { ExecutionContext, Injectable, type ModuleMetadata, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PassportStrategy } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import { Strategy as PassportBaseStrategy } from 'passport';
import { Strategy } from 'passport-custom';
import { AuditService } from '@infergate/audit';
import { AuthenticationRequiredException, validateOptions } from '@infergate/common';
import { IDENTITY_OPTIONS, IdentityModuleOptions } from '../identity.options';
import type { Principal } from '@infergate/contracts';
import { CLIENT_CERTIFICATE_READER } from '../mtls/client-certificate';
import { AuthenticationGuard } from './authentication.guard';
import { InvalidTokenException } from './authentication.errors';
import { AuthenticationStrategy } from './credential-strategy.decorator';
import { CredentialStrategyRegistry } from './credential-strategy.registry';
import { ACCESS_TOKEN_VERIFIER, API_KEY_VERIFIER, CERTIFICATE_AUTHENTICATOR } from './credential-verifiers';
import { FailedAuthLimiter } from './failed-auth.limiter';
import { ApiKeyStrategy, BearerTokenStrategy, ClientCertificateStrategy } from './strategies';

const principal = (subject: string): Principal => ({
  kind: 'application',
  subject,
  orgId: 'org-1',
  projectIds: [],
  roles: [],
  scopes: [],
  clearance: 'internal',
  allowedRegions: [],
  allowedCidrs: [],
  authMethod: 'access_token',
});

/** A passport strategy that neither succeeds nor fails: passport's pass() would let the request through. */
class PassingStrategy extends PassportBaseStrategy {
  override authenticate(this: PassportBaseStrategy & { pass(): void }): void {
    this.pass();
  }
}

@Injectable()
@AuthenticationStrategy({ name: 'passing', credential: { header: 'x-passing' } })
class PassingTeamStrategy extends PassportStrategy(PassingStrategy, 'passing') {
  validate(): null {
    return null;
  }
}

@Injectable()
@AuthenticationStrategy({ name: 'clashing', credential: { bearerPrefix: 'ig_team' } })
class ClashingStrategy extends PassportStrategy(Strategy, 'clashing') {
  validate(): null {
    return null;
  }
}

describe(AuthenticationGuard.name, () => {
  const tokens = { verify: jest.fn() };
  const apiKeys = { verify: jest.fn() };
  const certificates = { authenticate: jest.fn() };

  async function boot(extra: Provider[] = []): Promise<{ sut: AuthenticationGuard; close: () => Promise<void> }> {
    const metadata: ModuleMetadata = {
      imports: [DiscoveryModule],
      providers: [
        {
          provide: IDENTITY_OPTIONS,
          useValue: validateOptions(IdentityModuleOptions, { masterKey: Buffer.alloc(32, 1).toString('base64') }, 'identity'),
        },
        { provide: AuditService, useValue: { record: () => Promise.resolve('') } },
        { provide: CLIENT_CERTIFICATE_READER, useValue: { read: () => undefined } },
        { provide: ACCESS_TOKEN_VERIFIER, useValue: tokens },
        { provide: API_KEY_VERIFIER, useValue: apiKeys },
        { provide: CERTIFICATE_AUTHENTICATOR, useValue: certificates },
        FailedAuthLimiter,
        BearerTokenStrategy,
        ApiKeyStrategy,
        ClientCertificateStrategy,
        CredentialStrategyRegistry,
        AuthenticationGuard,
        ...extra,
      ],
    };
    const moduleRef = await Test.createTestingModule(metadata).compile();
    await moduleRef.init();
    return { sut: moduleRef.get(AuthenticationGuard), close: () => moduleRef.close() };
  }

  const contextFor = (headers: Record<string, string>) => {
    const request = { id: 'r1', ip: '10.0.0.1', url: '/x', headers, raw: { rawHeaders: Object.entries(headers).flat() } } as {
      principal?: Principal;
      raw: { principal?: Principal };
    };
    class Controller {
      handle(): void {}
    }
    const context = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
      getClass: () => Controller,
      getHandler: () => Controller.prototype.handle,
    } as unknown as ExecutionContext;
    return { request, context };
  };

  beforeEach(() => jest.resetAllMocks());

  it('runs the one strategy of the credential kind and stores its principal on the request and the raw request', async () => {
    const { sut, close } = await boot();
    try {
      tokens.verify.mockResolvedValue(principal('app-1'));
      const { request, context } = contextFor({ authorization: 'Bearer a.b.c' });
      await expect(sut.canActivate(context)).resolves.toBe(true);
      expect(request.principal?.subject).toBe('app-1');
      expect(request.raw.principal).toBe(request.principal);
      expect(tokens.verify).toHaveBeenCalledWith('a.b.c', expect.objectContaining({ clientIp: '10.0.0.1' }));
      expect(apiKeys.verify).not.toHaveBeenCalled();
      expect(certificates.authenticate).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it("lets a verifier's exception through as it is, not as passport's generic 401", async () => {
    const { sut, close } = await boot();
    try {
      const refused = new InvalidTokenException('revoked');
      apiKeys.verify.mockRejectedValue(refused);
      const { request, context } = contextFor({ 'x-api-key': 'ig_a_b' });
      await expect(sut.canActivate(context)).rejects.toBe(refused);
      expect(request.principal).toBeUndefined();
      expect(tokens.verify).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it('answers the bare challenge without running a strategy when nothing is presented', async () => {
    const { sut, close } = await boot();
    try {
      await expect(sut.canActivate(contextFor({}).context)).rejects.toBeInstanceOf(AuthenticationRequiredException);
      expect(certificates.authenticate).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it("denies a request whose strategy pass()es instead of authenticating (passport's pass would let it through)", async () => {
    const { sut, close } = await boot([PassingTeamStrategy]);
    try {
      const { request, context } = contextFor({ 'x-passing': 'anything' });
      await expect(sut.canActivate(context)).rejects.toBeInstanceOf(AuthenticationRequiredException);
      expect(request.principal).toBeUndefined();
    } finally {
      await close();
    }
  });

  it("refuses at start a strategy claiming what another claims (here the API keys' ig_ prefix)", async () => {
    await expect(boot([ClashingStrategy])).rejects.toThrow('authentication strategy "clashing" claims Bearer prefix "ig_team"');
  });
});
