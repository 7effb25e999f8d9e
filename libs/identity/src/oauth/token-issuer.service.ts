import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import type { ClientCertificate } from '../mtls/client-certificate';
import { type RoleGrant, CLEARANCES, Clearance, SCOPES, Scope } from '@infergate/contracts';
import type { ApplicationEntity } from '../tenancy/application.entity';
import type { OrganizationEntity } from '../tenancy/organization.entity';
import { loadRoleGrants } from '../tenancy/role-grants';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims, encodeRoles } from './access-token-claims';
import { OAuthErrorException } from './oauth.errors';
import { SigningKeysService } from './signing-keys.service';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

/** No access token lives longer than this, whatever the configuration says. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface TokenRequest {
  application: ApplicationEntity;
  organization: Pick<OrganizationEntity, 'id' | 'maxClearance'>;
  /** The raw `scope` parameter (RFC 6749 §3.3), if the client sent one. */
  scope?: string;
  /** The verified client certificate of the connection: the token is bound to it (RFC 8705 §3). */
  certificate?: ClientCertificate;
  requestId?: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  scope: string;
  claims: AccessTokenClaims;
}

/** Issues the gateway's access tokens: RFC 9068 JWTs signed with the active signing key. */
@Injectable()
export class TokenIssuerService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly database: DatabaseService,
    private readonly audit: AuditService,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
  ) {}

  async issue(request: TokenRequest, now = Date.now()): Promise<IssuedToken> {
    const { application, organization, certificate } = request;
    const scopes = grantedScopes(application.allowedScopes, request.scope);
    const grants = (await loadRoleGrants(this.database, 'application', application.id)).filter((grant) =>
      belongsTo(grant, application.orgId),
    );
    const expiresIn = Math.min(this.options.accessTokenTtlSeconds, MAX_ACCESS_TOKEN_TTL_SECONDS);
    const iat = Math.floor(now / 1000);
    const claims: AccessTokenClaims = {
      iss: this.options.issuer,
      aud: this.options.audience,
      sub: application.id,
      client_id: application.clientId,
      iat,
      exp: iat + expiresIn,
      jti: randomBytes(16).toString('base64url'),
      scope: scopes.join(' '),
      org_id: application.orgId,
      project_ids: application.projectId ? [application.projectId] : [],
      roles: encodeRoles(grants),
      clearance: lowerClearance(application.clearance, organization.maxClearance),
      regions: [...application.allowedRegions],
      cidrs: [...application.allowedCidrs],
      ...(certificate ? { cnf: { 'x5t#S256': certificate.thumbprint } } : {}),
    };
    const signer = await this.keys.signingKey(new Date(now));
    const accessToken = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: ACCESS_TOKEN_TYPE })
      .sign(signer.key);

    void this.audit.record({
      action: 'oauth.token.issued',
      outcome: 'success',
      actor: { type: 'application', id: application.id },
      orgId: application.orgId,
      resource: { type: 'AccessToken', id: claims.jti },
      reason: 'client_credentials',
      requestId: request.requestId,
      details: { clientId: application.clientId, scope: claims.scope, expiresIn, kid: signer.kid, certificateBound: Boolean(certificate) },
    });
    return { accessToken, expiresIn, scope: claims.scope, claims };
  }
}

/**
 * RFC 6749 §3.3: the requested scopes, each of which the client must be allowed; without a request,
 * everything the client is allowed. Ordered as SCOPES, without duplicates.
 */
export function grantedScopes(allowed: readonly Scope[], requested: string | undefined): Scope[] {
  if (requested === undefined || requested.trim() === '') return SCOPES.filter((scope) => allowed.includes(scope));
  const wanted = new Set(requested.split(' ').filter((token) => token !== ''));
  for (const scope of wanted) {
    if (!(allowed as readonly string[]).includes(scope)) {
      throw new OAuthErrorException('invalid_scope', 'The requested scope is not allowed for this client.');
    }
  }
  return SCOPES.filter((scope) => wanted.has(scope));
}

/** A token speaks for one organization: platform-wide roles and the roles held in that organization. */
function belongsTo(grant: RoleGrant, orgId: string): boolean {
  if (grant.role === 'platform-admin') return grant.orgId === null && grant.projectId === null;
  return grant.orgId === orgId;
}

function lowerClearance(a: Clearance, b: Clearance): Clearance {
  return CLEARANCES.indexOf(a) <= CLEARANCES.indexOf(b) ? a : b;
}
