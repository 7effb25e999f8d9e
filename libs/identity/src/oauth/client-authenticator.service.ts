import { Inject, Injectable, Optional } from '@nestjs/common';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { GatewayMetrics } from '@infergate/observability';
import { FailedAuthLimiter } from '../authentication/failed-auth.limiter';
import { ipInAnyCidr } from '../authentication/ip-match';
import { MasterKey } from '../crypto/master-key';
import { ClientCertificate, matchCertificate } from '../mtls/client-certificate';
import { ApplicationEntity } from '../tenancy/application.entity';
import { clientSecretMatches } from '../tenancy/client-secrets';
import { OrganizationEntity } from '../tenancy/organization.entity';
import type { ClientAuthMethod } from '@infergate/contracts';
import { ASSERTION_REPLAY_CACHE, AssertionReplayCache } from './assertion-replay-cache';
import { oauthEndpoints } from './oauth-endpoints';
import { InvalidClientException, OAuthErrorException } from './oauth.errors';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asymmetric algorithms only: an HMAC assertion would need a shared secret we do not keep. */
export const ASSERTION_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519'];
/** An assertion may not be valid for longer than this (RFC 7523 §3: short-lived). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const MAX_ASSERTION_LENGTH = 8192;
const MAX_CLIENT_ID_LENGTH = 64;

/** The client side of a request to the token, revocation or introspection endpoint. */
export interface ClientAuthenticationRequest {
  /** The Authorization header, if any. */
  authorization?: string;
  /** The form parameters, each present at most once. */
  params: Readonly<Record<string, string>>;
  clientIp: string;
  /** The verified client certificate of the connection, if any. */
  certificate?: ClientCertificate;
  requestId?: string;
}

export interface AuthenticatedClient {
  application: ApplicationEntity;
  organization: OrganizationEntity;
  method: ClientAuthMethod;
}

/**
 * Authenticates OAuth clients (RFC 6749 §2.3): client_secret_basic, client_secret_post,
 * private_key_jwt (RFC 7523) and tls_client_auth (RFC 8705 §2.1). Exactly one method per request, and
 * it must be the one registered for the client. Every failure answers the same 401 invalid_client.
 */
@Injectable()
export class ClientAuthenticatorService {
  /** Compared against when the client does not exist, so that timing does not tell. */
  private readonly decoy: Pick<ApplicationEntity, 'secretHash' | 'previousSecretHash' | 'previousSecretExpiresAt'>;

  constructor(
    private readonly database: DatabaseService,
    private readonly masterKey: MasterKey,
    private readonly limiter: FailedAuthLimiter,
    private readonly audit: AuditService,
    @Inject(ASSERTION_REPLAY_CACHE) private readonly replayCache: AssertionReplayCache,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {
    this.decoy = {
      secretHash: masterKey.hash('client-secret', randomBytes(32).toString('base64url')),
      previousSecretHash: null,
      previousSecretExpiresAt: null,
    };
  }

  async authenticate(request: ClientAuthenticationRequest): Promise<AuthenticatedClient> {
    this.limiter.assertAllowed(request.clientIp);
    try {
      const client = await this.verify(request);
      this.metrics?.authentications.labels(METRIC_METHODS[client.method], 'success', 'ok').inc();
      return client;
    } catch (error) {
      if (error instanceof InvalidClientException) {
        this.metrics?.authentications.labels(presentedMetricMethod(request), 'failure', error.reason).inc();
        void this.audit.record({
          action: 'oauth.client.authentication',
          outcome: 'failure',
          actor: { type: 'anonymous' },
          reason: error.reason,
          requestId: request.requestId,
          details: { clientIp: request.clientIp },
        });
        const delayMs = this.limiter.recordFailure(request.clientIp);
        if (delayMs > 0) await sleep(delayMs);
      }
      throw error;
    }
  }

  private async verify(request: ClientAuthenticationRequest): Promise<AuthenticatedClient> {
    const { params } = request;
    const presented: ClientAuthMethod[] = [];
    if (request.authorization !== undefined) presented.push('client_secret_basic');
    if (params.client_secret !== undefined) presented.push('client_secret_post');
    if (params.client_assertion !== undefined || params.client_assertion_type !== undefined) presented.push('private_key_jwt');
    if (presented.length > 1) throw new OAuthErrorException('invalid_request', 'Use exactly one client authentication method.');

    switch (presented[0]) {
      case 'client_secret_basic':
        return this.basic(request);
      case 'client_secret_post':
        return this.secret(params.client_id, params.client_secret, 'client_secret_post', request);
      case 'private_key_jwt':
        return this.assertion(request);
      default:
        if (request.certificate && params.client_id !== undefined) return this.certificate(request, request.certificate);
        throw new InvalidClientException('no_credentials');
    }
  }

  /** RFC 6749 §2.3.1: the id and secret are form-urlencoded, then joined by a colon and base64-encoded. */
  private basic(request: ClientAuthenticationRequest): Promise<AuthenticatedClient> {
    const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(request.authorization ?? '');
    if (!match) throw new InvalidClientException('malformed_basic', true);
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const clientId = colon > 0 ? formDecode(decoded.slice(0, colon)) : undefined;
    const secret = colon > 0 ? formDecode(decoded.slice(colon + 1)) : undefined;
    if (clientId === undefined || secret === undefined) throw new InvalidClientException('malformed_basic', true);
    if (request.params.client_id !== undefined && request.params.client_id !== clientId) {
      throw new OAuthErrorException('invalid_request', 'client_id does not match the Authorization header.');
    }
    return this.secret(clientId, secret, 'client_secret_basic', request);
  }

  private async secret(
    clientId: string | undefined,
    secret: string,
    method: 'client_secret_basic' | 'client_secret_post',
    request: ClientAuthenticationRequest,
  ): Promise<AuthenticatedClient> {
    const basic = method === 'client_secret_basic';
    const application = await this.findApplication(clientId);
    // Both branches compare in constant time: an unknown client costs what a wrong secret costs.
    const matches = clientSecretMatches(application ?? this.decoy, secret, this.masterKey);
    if (!application) throw new InvalidClientException('unknown_client', basic);
    if (!matches) throw new InvalidClientException('bad_secret', basic);
    return this.accept(application, method, request, basic);
  }

  /** RFC 7523 §3 and §2.2: a short-lived JWT signed with one of the client's registered keys, used once. */
  private async assertion(request: ClientAuthenticationRequest): Promise<AuthenticatedClient> {
    const { params } = request;
    const assertion = params.client_assertion;
    if (params.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE || !assertion || assertion.length > MAX_ASSERTION_LENGTH) {
      throw new InvalidClientException('bad_assertion');
    }
    let subject: unknown;
    try {
      subject = decodeJwt(assertion).sub;
    } catch {
      throw new InvalidClientException('bad_assertion');
    }
    if (typeof subject !== 'string' || (params.client_id !== undefined && params.client_id !== subject)) {
      throw new InvalidClientException('bad_assertion');
    }
    const application = await this.findApplication(subject);
    if (!application) throw new InvalidClientException('unknown_client');
    const client = await this.accept(application, 'private_key_jwt', request, false);

    const skew = this.options.clockSkewSeconds;
    const endpoints = oauthEndpoints(this.options);
    let payload;
    try {
      const keys = createLocalJWKSet(application.jwks ?? { keys: [] });
      ({ payload } = await jwtVerify(assertion, keys, {
        issuer: subject,
        subject,
        audience: [endpoints.token, endpoints.issuer],
        algorithms: ASSERTION_ALGORITHMS,
        clockTolerance: skew,
        requiredClaims: ['exp', 'jti'],
      }));
    } catch {
      throw new InvalidClientException('bad_assertion');
    }
    const now = Math.floor(Date.now() / 1000);
    const { exp, jti, aud } = payload;
    // One audience only: an assertion minted for several parties could be replayed by any of them.
    const singleAudience = typeof aud === 'string' || (Array.isArray(aud) && aud.length === 1);
    if (!singleAudience || exp === undefined || exp > now + MAX_ASSERTION_LIFETIME_SECONDS + skew) {
      throw new InvalidClientException('bad_assertion');
    }
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw new InvalidClientException('bad_assertion');
    const first = await this.replayCache.claim(`${application.clientId}\u0000${jti}`, (exp + skew - now) * 1000);
    if (!first) throw new InvalidClientException('assertion_replayed');
    return client;
  }

  /** RFC 8705 §2.1: the connection's verified certificate is the one registered (thumbprint and/or SAN). */
  private async certificate(request: ClientAuthenticationRequest, certificate: ClientCertificate): Promise<AuthenticatedClient> {
    const application = await this.findApplication(request.params.client_id);
    if (!application) throw new InvalidClientException('unknown_client');
    const client = await this.accept(application, 'tls_client_auth', request, false);
    if (!matchCertificate(application, certificate)) throw new InvalidClientException('certificate_mismatch');
    return client;
  }

  /** The checks every method shares, once the client has been identified. */
  private async accept(
    application: ApplicationEntity,
    method: ClientAuthMethod,
    request: ClientAuthenticationRequest,
    basic: boolean,
  ): Promise<AuthenticatedClient> {
    if (application.status !== 'active' || application.disabledAt !== null) throw new InvalidClientException('client_disabled', basic);
    if (application.authMethod !== method) throw new InvalidClientException('wrong_method', basic);
    const organization = await this.database.repository(OrganizationEntity).findOneBy({ id: application.orgId });
    if (!organization || organization.status !== 'active') throw new InvalidClientException('organization_disabled', basic);
    if (application.allowedCidrs.length > 0 && !ipInAnyCidr(request.clientIp, application.allowedCidrs)) {
      throw new InvalidClientException('source_not_allowed', basic);
    }
    return { application, organization, method };
  }

  private async findApplication(clientId: string | undefined): Promise<ApplicationEntity | null> {
    if (!clientId || clientId.length > MAX_CLIENT_ID_LENGTH) return null;
    return this.database.repository(ApplicationEntity).findOneBy({ clientId });
  }
}

/** The authentications metric's method label of each client authentication method. */
const METRIC_METHODS: Record<ClientAuthMethod, string> = {
  client_secret_basic: 'client_secret',
  client_secret_post: 'client_secret',
  private_key_jwt: 'private_key_jwt',
  tls_client_auth: 'client_certificate',
};

/** The method label of a request whose client authentication failed (before the client was known). */
function presentedMetricMethod(request: ClientAuthenticationRequest): string {
  if (request.authorization !== undefined || request.params.client_secret !== undefined) return 'client_secret';
  if (request.params.client_assertion !== undefined) return 'private_key_jwt';
  return request.certificate ? 'client_certificate' : 'none';
}

/** application/x-www-form-urlencoded decoding of one value; undefined when malformed. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
