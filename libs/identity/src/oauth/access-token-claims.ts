import { type Principal, type RoleGrant, CLEARANCES, Clearance, ROLES, Role, SCOPES, Scope } from '@infergate/contracts';

/**
 * The gateway's access tokens: RFC 9068 JWT profile (`typ: at+jwt`) plus the attributes authorization
 * needs. Roles are strings: `role` (in the token's organization), `role@<projectId>` (in one project),
 * and `platform-admin` (platform-wide).
 */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  iat: number;
  exp: number;
  jti: string;
  scope: string;
  org_id: string;
  project_ids: string[];
  roles: string[];
  clearance: Clearance;
  regions: string[];
  cidrs: string[];
  /** RFC 8705 §3.1: the token is bound to this client certificate. */
  cnf?: { 'x5t#S256': string };
}

export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Encodes role grants for the `roles` claim. */
export function encodeRoles(grants: readonly RoleGrant[]): string[] {
  return grants.map((grant) => (grant.projectId ? `${grant.role}@${grant.projectId}` : grant.role));
}

/** Decodes the `roles` claim; unknown roles are dropped, never widened. */
export function decodeRoles(roles: readonly string[], orgId: string): RoleGrant[] {
  const grants: RoleGrant[] = [];
  for (const encoded of roles) {
    const [role, projectId] = encoded.split('@', 2);
    if (!(ROLES as readonly string[]).includes(role)) continue;
    grants.push({ role: role as Role, orgId: role === 'platform-admin' ? null : orgId, projectId: projectId ?? null });
  }
  return grants;
}

/** Splits a `scope` claim, keeping only scopes the gateway knows. */
export function parseScopes(scope: string | undefined): Scope[] {
  if (!scope) return [];
  return scope.split(' ').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
}

/** Returns the principal that verified claims of the gateway's own access token describe. */
export function principalFromAccessToken(claims: AccessTokenClaims): Principal {
  return {
    kind: 'application',
    subject: claims.sub,
    clientId: claims.client_id,
    orgId: claims.org_id,
    projectIds: claims.project_ids,
    roles: decodeRoles(claims.roles, claims.org_id),
    scopes: parseScopes(claims.scope),
    clearance: (CLEARANCES as readonly string[]).includes(claims.clearance) ? claims.clearance : 'public',
    allowedRegions: claims.regions,
    allowedCidrs: claims.cidrs,
    authMethod: 'access_token',
    issuer: claims.iss,
    tokenId: claims.jti,
    certificateThumbprint: claims.cnf?.['x5t#S256'],
    expiresAt: claims.exp,
  };
}
