import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { CLIENT_CERTIFICATE_READER, ClientCertificateReader } from '../mtls/client-certificate';
import { RevocationService } from '../revocation/revocation.service';
import { ApplicationEntity } from '../tenancy/application.entity';
import { loadRoleGrants } from '../tenancy/role-grants';
import { CLIENT_AUTH_METHODS, SCOPES } from '@infergate/contracts';
import type { AccessTokenClaims } from './access-token-claims';
import { ASSERTION_ALGORITHMS, AuthenticatedClient, ClientAuthenticatorService } from './client-authenticator.service';
import { LocalAccessTokenVerifier } from './local-access-token.verifier';
import { oauthEndpoints } from './oauth-endpoints';
import { readOAuthRequest } from './oauth-request';
import { OAuthErrorException } from './oauth.errors';
import { TokenIssuerService } from './token-issuer.service';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** RFC 7662 §2.2: an inactive token says nothing else. */
export type IntrospectionResponse =
  | { active: false }
  | (Pick<AccessTokenClaims, 'scope' | 'client_id' | 'sub' | 'exp' | 'iat' | 'iss' | 'aud' | 'jti' | 'org_id' | 'cnf'> & {
      active: true;
      token_type: 'Bearer';
    });

/** The endpoints of the built-in authorization server, behind the controllers. */
@Injectable()
export class AuthorizationServerService {
  constructor(
    private readonly clients: ClientAuthenticatorService,
    private readonly issuer: TokenIssuerService,
    private readonly tokens: LocalAccessTokenVerifier,
    private readonly revocations: RevocationService,
    private readonly database: DatabaseService,
    private readonly audit: AuditService,
    @Inject(CLIENT_CERTIFICATE_READER) private readonly certificates: ClientCertificateReader,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
  ) {}

  /** RFC 6749 §4.4: the client credentials grant. */
  async token(http: FastifyRequest): Promise<TokenResponse> {
    const request = readOAuthRequest(http, this.certificates);
    const grantType = request.params.grant_type;
    if (!grantType) throw new OAuthErrorException('invalid_request', 'grant_type is required.');
    if (grantType !== 'client_credentials')
      throw new OAuthErrorException('unsupported_grant_type', 'Only client_credentials is supported.');
    const client = await this.clients.authenticate(request);
    const issued = await this.issuer.issue({
      application: client.application,
      organization: client.organization,
      scope: request.params.scope,
      certificate: request.certificate,
      requestId: request.requestId,
    });
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, scope: issued.scope };
  }

  /** RFC 7009: revokes one of our access tokens; answers alike whatever the token was. */
  async revoke(http: FastifyRequest): Promise<void> {
    const request = readOAuthRequest(http, this.certificates);
    const client = await this.clients.authenticate(request);
    const token = request.params.token;
    if (!token) throw new OAuthErrorException('invalid_request', 'token is required.');
    const claims = await this.tokens.verify(token);
    if (!claims) return;
    const allowed = claims.client_id === client.application.clientId || (await this.isPlatformAdmin(client));
    void this.audit.record({
      action: 'oauth.token.revoked',
      outcome: allowed ? 'success' : 'denied',
      actor: { type: 'application', id: client.application.id },
      orgId: client.application.orgId,
      resource: { type: 'AccessToken', id: claims.jti },
      reason: allowed ? undefined : 'not_token_owner',
      requestId: request.requestId,
      details: { tokenClientId: claims.client_id, tokenOrgId: claims.org_id },
    });
    if (!allowed) return;
    // Refused until the last moment a verifier could still accept it.
    await this.revocations.revokeToken(claims.jti, new Date((claims.exp + this.options.clockSkewSeconds) * 1000));
  }

  /** RFC 7662, for authenticated clients; a client that is not platform-admin sees its own organization only. */
  async introspect(http: FastifyRequest): Promise<IntrospectionResponse> {
    const request = readOAuthRequest(http, this.certificates);
    const client = await this.clients.authenticate(request);
    const token = request.params.token;
    if (!token) throw new OAuthErrorException('invalid_request', 'token is required.');
    const claims = await this.tokens.verify(token);
    if (!claims) return { active: false };
    if (await this.revocations.isRevoked({ jti: claims.jti, subject: claims.sub, issuedAt: claims.iat })) return { active: false };
    if (claims.org_id !== client.application.orgId && !(await this.isPlatformAdmin(client))) return { active: false };
    const owner = await this.database.repository(ApplicationEntity).findOneBy({ id: claims.sub });
    if (!owner || owner.status !== 'active' || owner.disabledAt !== null) return { active: false };
    const { scope, client_id, sub, exp, iat, iss, aud, jti, org_id, cnf } = claims;
    return { active: true, scope, client_id, sub, exp, iat, iss, aud, jti, token_type: 'Bearer', org_id, ...(cnf ? { cnf } : {}) };
  }

  /** RFC 8414 authorization server metadata. */
  metadata(): Record<string, unknown> {
    const endpoints = oauthEndpoints(this.options);
    const authMethods = [...CLIENT_AUTH_METHODS];
    return {
      issuer: endpoints.issuer,
      token_endpoint: endpoints.token,
      jwks_uri: endpoints.jwks,
      revocation_endpoint: endpoints.revocation,
      introspection_endpoint: endpoints.introspection,
      grant_types_supported: ['client_credentials'],
      response_types_supported: [],
      scopes_supported: [...SCOPES],
      token_endpoint_auth_methods_supported: authMethods,
      token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      revocation_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      introspection_endpoint_auth_methods_supported: authMethods,
      introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      tls_client_certificate_bound_access_tokens: true,
    };
  }

  private async isPlatformAdmin(client: AuthenticatedClient): Promise<boolean> {
    const grants = await loadRoleGrants(this.database, 'application', client.application.id);
    return grants.some((grant) => grant.role === 'platform-admin' && grant.orgId === null);
  }
}
