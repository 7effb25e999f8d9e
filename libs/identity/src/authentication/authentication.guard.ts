import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditService } from '@infergate/audit';
import { AuthenticationRequiredException, IS_PUBLIC_KEY, ProblemException, RouteMetadataCache } from '@infergate/common';
import { AnomalyBlocklist, GatewayMetrics, LabelChildren, withSpan } from '@infergate/observability';
import { CLIENT_CERTIFICATE_READER, ClientCertificateReader } from '../mtls/client-certificate';
import type { AuthenticatedRequest, Principal, Scope } from '@infergate/contracts';
import { InsufficientScopeException, InvalidTokenException } from './authentication.errors';
import {
  ACCESS_TOKEN_VERIFIER,
  AccessTokenVerifier,
  API_KEY_VERIFIER,
  ApiKeyVerifier,
  CERTIFICATE_AUTHENTICATOR,
  CertificateAuthenticator,
  type CredentialContext,
} from './credential-verifiers';
import { MAX_CREDENTIAL_LENGTH, presentedCredential, type PresentedCredential } from './credentials';
import { FailedAuthLimiter } from './failed-auth.limiter';
import { ipInAnyCidr } from './ip-match';
import { REQUIRED_SCOPES_KEY } from './scopes.decorator';
import { SuccessAuditSampler } from './success-audit-sampler';

/** The metric's method label for a credential that failed before a principal existed. */
const METRIC_METHODS: Record<string, string> = { 'api-key': 'api_key', bearer: 'access_token', none: 'none' };

/**
 * Global deny-by-default authentication (APP_GUARD 1). A route is reachable without credentials only
 * when marked @Public(). Otherwise the one credential the request presents is verified by the verifier
 * for its kind, the principal is attached to the request, and the route's required scopes
 * are checked. Every failure is audited, and a success the first time a credential is used from a
 * source and every five minutes while it is (SuccessAuditSampler); repeated failures from one source
 * are slowed, then refused.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly logger = new Logger(AuthenticationGuard.name);
  private readonly successAudit = new SuccessAuditSampler();
  private readonly attempts = new LabelChildren((method, outcome, reason) => this.metrics!.authentications.labels(method, outcome, reason));
  /** Per route: public (no credential needed), and the scopes a principal must hold. */
  private readonly routes = new RouteMetadataCache((targets) => ({
    isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true,
    requiredScopes: this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES_KEY, targets),
  }));

  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: FailedAuthLimiter,
    private readonly audit: AuditService,
    @Inject(CLIENT_CERTIFICATE_READER) private readonly certificates: ClientCertificateReader,
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly tokens: AccessTokenVerifier,
    @Inject(API_KEY_VERIFIER) private readonly apiKeys: ApiKeyVerifier,
    @Inject(CERTIFICATE_AUTHENTICATOR) private readonly certificateAuthenticator: CertificateAuthenticator,
    @Optional() private readonly metrics?: GatewayMetrics,
    @Optional() private readonly blocklist?: AnomalyBlocklist,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.routes.of(context);
    if (route.isPublic) return true;
    return withSpan('authenticate', () => this.authenticate(context, route.requiredScopes));
  }

  private async authenticate(context: ExecutionContext, required: Scope[] | undefined): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const clientIp = request.ip;
    this.limiter.assertAllowed(clientIp);
    let credential: PresentedCredential | undefined;
    let principal: Principal;
    try {
      credential = presentedCredential(request);
      principal = await this.verify(credential, { clientIp, certificate: this.certificates.read(request) });
      if (principal.allowedCidrs.length > 0 && !ipInAnyCidr(clientIp, principal.allowedCidrs)) {
        throw new InvalidTokenException('source_not_allowed');
      }
    } catch (error) {
      await this.onFailure(error, request, credential, clientIp);
      throw error;
    }
    // A principal an anomaly detector blocked (observability.anomalyBlockSeconds) is refused for a while.
    this.blocklist?.assertPrincipalAllowed(principal.subject);
    request.principal = principal;
    // The access log reads the raw request: principal id and org go on its line.
    const raw = (request as { raw?: { principal?: Principal } }).raw;
    if (raw) raw.principal = principal;
    this.record(request, credential, principal, 'success');

    if (required && !required.every((scope) => principal.scopes.includes(scope))) throw new InsufficientScopeException(required);
    return true;
  }

  /**
   * The verifier for the credential's kind. Without a header credential, a verified client certificate
   * registered to an application authenticates; with neither, the answer is the bare 401 challenge.
   */
  private async verify(credential: PresentedCredential, context: CredentialContext): Promise<Principal> {
    switch (credential.kind) {
      case 'api-key':
        return this.apiKeys.verify(credential.value, context);
      case 'bearer':
        // Refused before any parsing or cryptography.
        if (credential.value.length > MAX_CREDENTIAL_LENGTH) throw new InvalidTokenException('malformed');
        return this.tokens.verify(credential.value, context);
      case 'none': {
        const principal = context.certificate ? await this.certificateAuthenticator.authenticate(context.certificate, context) : undefined;
        if (!principal) throw new AuthenticationRequiredException();
        return principal;
      }
    }
  }

  private async onFailure(
    error: unknown,
    request: FastifyRequest,
    credential: PresentedCredential | undefined,
    clientIp: string,
  ): Promise<void> {
    // A request that presented nothing is not an attack; the bare challenge is the normal first step.
    if (error instanceof AuthenticationRequiredException) {
      this.metrics?.authentications.labels('none', 'failure', 'no_credentials').inc();
      return;
    }
    if (!(error instanceof ProblemException)) {
      this.logger.error({ event: 'authn.error', err: error }, 'authentication failed unexpectedly');
      return;
    }
    const reason = error instanceof InvalidTokenException ? error.reason : error.type.split(':').pop();
    this.record(request, credential, undefined, 'failure', reason);
    const delayMs = this.limiter.recordFailure(clientIp);
    if (delayMs > 0) await sleep(delayMs);
  }

  private record(
    request: FastifyRequest,
    credential: PresentedCredential | undefined,
    principal: Principal | undefined,
    outcome: 'success' | 'failure',
    reason?: string,
  ): void {
    const method = principal?.authMethod ?? METRIC_METHODS[credential?.kind ?? 'none'] ?? 'none';
    if (this.metrics) this.attempts.of(method, outcome, reason ?? 'ok').inc();
    if (principal && !this.successAudit.shouldAudit(`${principal.authMethod}:${principal.tokenId ?? principal.subject}`, request.ip))
      return;
    void this.audit.record({
      action: outcome === 'success' ? 'authn.success' : 'authn.failure',
      outcome,
      actor: principal ? { type: principal.kind, id: principal.subject } : { type: 'anonymous' },
      orgId: principal?.orgId ?? undefined,
      reason: reason ?? principal?.authMethod,
      requestId: String(request.id),
      details: { method: principal?.authMethod ?? credential?.kind ?? null, clientIp: request.ip },
    });
  }
}
