import { ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type IAuthModuleOptions } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditService } from '@infergate/audit';
import { AuthenticationRequiredException, IS_PUBLIC_KEY, ProblemException, RouteMetadataCache } from '@infergate/common';
import { AnomalyBlocklist, ClientBlockedException, GatewayMetrics, LabelChildren, SPAN_NAMES, traced } from '@infergate/observability';
import { CLIENT_CERTIFICATE_READER, ClientCertificateReader } from '../mtls/client-certificate';
import type { AuthenticatedRequest, Principal, Scope } from '@infergate/contracts';
import type { AuthenticationAttempt } from './authentication-attempt';
import { InsufficientScopeException, InvalidTokenException } from './authentication.errors';
import { CredentialStrategyRegistry, type RegisteredStrategy } from './credential-strategy.registry';
import { presentedCredential, type PresentedCredential } from './credentials';
import { FailedAuthLimiter } from './failed-auth.limiter';
import { ipInAnyCidr } from './ip-match';
import { REQUIRED_SCOPES_KEY } from './scopes.decorator';
import { SuccessAuditSampler } from './success-audit-sampler';

/** The metric's method label for a credential that failed before a principal existed. */
const METRIC_METHODS: Record<string, string> = { 'api-key': 'api_key', bearer: 'access_token', none: 'none' };

/**
 * passport.authenticate's options for every strategy: stateless (no session, nothing logged in), and
 * the principal stored where the rest of the gateway reads it. Returned by getAuthenticateOptions, so
 * that they win over a PassportModule.register() an application may add.
 */
const AUTHENTICATE_OPTIONS: IAuthModuleOptions = Object.freeze({ session: false, property: 'principal' });

type GuardedRequest = FastifyRequest & AuthenticatedRequest & { authentication?: AuthenticationAttempt };

/**
 * Global deny-by-default authentication (APP_GUARD 1), an @nestjs/passport AuthGuard. A route is
 * reachable without credentials only when marked @Public(). Otherwise a cheap look at the headers
 * (presentedCredential) finds the one credential the request presents, and the one passport strategy
 * registered for its kind verifies it (CredentialStrategyRegistry): no strategy chain is tried. The
 * principal is attached to the request and the route's required scopes are checked. Every failure is
 * audited, and a success the first time a credential is used from a source and every five minutes
 * while it is (SuccessAuditSampler); repeated failures from one source are slowed, then refused.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard() {
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
    private readonly strategies: CredentialStrategyRegistry,
    @Inject(CLIENT_CERTIFICATE_READER) private readonly certificates: ClientCertificateReader,
    @Optional() private readonly metrics?: GatewayMetrics,
    @Optional() private readonly blocklist?: AnomalyBlocklist,
  ) {
    // No default strategy chain: AuthGuard's own choice, were it ever used, would try nothing and deny.
    super({ defaultStrategy: [] });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.routes.of(context);
    if (route.isPublic) return true;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- traced() calls it on `this`, without a closure per request
    return traced(SPAN_NAMES.authenticate, this.authenticate, this, context, route.requiredScopes);
  }

  override getAuthenticateOptions(): IAuthModuleOptions {
    return AUTHENTICATE_OPTIONS;
  }

  /**
   * Passport's verdict. A strategy's error (InvalidTokenException and the like) goes to the client as
   * it is, not as passport's generic 401; a strategy that found no principal is the bare challenge
   * for a request without a header credential (an unregistered client certificate), invalid_token
   * otherwise. The principal's source CIDRs and the anomaly blocklist are checked here, before
   * AuthGuard stores the principal on the request.
   */
  override handleRequest<TUser = Principal>(error: unknown, user: unknown, _info: unknown, context: ExecutionContext): TUser {
    if (error) throw error instanceof Error ? error : new InvalidTokenException('malformed');
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    if (!user) {
      throw request.authentication?.credential.kind === 'none'
        ? new AuthenticationRequiredException()
        : new InvalidTokenException('unknown_credential');
    }
    const principal = user as Principal;
    if (principal.allowedCidrs.length > 0 && !ipInAnyCidr(request.ip, principal.allowedCidrs)) {
      throw new InvalidTokenException('source_not_allowed');
    }
    // A principal an anomaly detector blocked (observability.anomalyBlockSeconds) is refused for a while.
    this.blocklist?.assertPrincipalAllowed(principal.subject);
    return user as TUser;
  }

  private async authenticate(context: ExecutionContext, required: Scope[] | undefined): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const clientIp = request.ip;
    this.limiter.assertAllowed(clientIp);
    let credential: PresentedCredential | undefined;
    try {
      credential = presentedCredential(request, this.strategies.locations);
      const certificate = this.certificates.read(request);
      const strategy = this.strategyFor(credential, certificate !== undefined);
      request.authentication = { credential, clientIp, certificate };
      await strategy.activate.call(this, context);
    } catch (error) {
      // Refused by the blocklist: not a failed authentication (the credential was good).
      if (error instanceof ClientBlockedException) throw error;
      await this.onFailure(error, request, credential, clientIp);
      throw error;
    }
    const principal = request.principal;
    // A strategy that pass()es authenticates nobody: deny by default.
    if (!principal) throw new AuthenticationRequiredException();
    // The access log reads the raw request: principal id and org go on its line.
    const raw = (request as { raw?: { principal?: Principal } }).raw;
    if (raw) raw.principal = principal;
    this.record(request, credential, principal, 'success');

    if (required && !required.every((scope) => principal.scopes.includes(scope))) throw new InsufficientScopeException(required);
    return true;
  }

  /**
   * The one strategy for the credential's kind. Without a header credential, a client certificate's
   * strategy runs when there is a certificate; with neither, the answer is the bare 401 challenge and
   * no strategy runs. A kind no strategy is registered for is a credential nobody can verify.
   */
  private strategyFor(credential: PresentedCredential, hasCertificate: boolean): RegisteredStrategy {
    let strategy: RegisteredStrategy | undefined;
    switch (credential.kind) {
      case 'none':
        if (!hasCertificate) throw new AuthenticationRequiredException();
        strategy = this.strategies.forBuiltIn('client-certificate');
        if (!strategy) throw new AuthenticationRequiredException();
        return strategy;
      case 'custom':
        strategy = this.strategies.forCustom(credential.strategy);
        break;
      default:
        strategy = this.strategies.forBuiltIn(credential.kind);
    }
    if (!strategy) throw new InvalidTokenException('unknown_credential');
    return strategy;
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
    const kind = credential?.kind === 'custom' ? credential.strategy : credential?.kind;
    const method = principal?.authMethod ?? METRIC_METHODS[kind ?? 'none'] ?? kind ?? 'none';
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
      details: { method: principal?.authMethod ?? kind ?? null, clientIp: request.ip },
    });
  }
}
