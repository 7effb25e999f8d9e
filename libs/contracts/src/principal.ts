import type { Clearance, Role, Scope } from './tenancy.types';

export type PrincipalKind = 'user' | 'application';

/** How the caller proved who it is. */
/** `system` is the operator CLI acting on the host, never a network caller. */
export type AuthenticationMethod = 'access_token' | 'external_token' | 'api_key' | 'client_certificate' | 'system';

/** A role held platform-wide (no org), in an organization, or in one project of it. */
export interface RoleGrant {
  role: Role;
  orgId: string | null;
  projectId: string | null;
}

/**
 * Who is calling, as every module downstream of authentication sees it. Built once per request by
 * the AuthenticationGuard; nothing downstream re-parses credentials.
 */
export interface Principal {
  kind: PrincipalKind;
  /** Application id or user id. */
  subject: string;
  /** OAuth client id, for applications. */
  clientId?: string;
  orgId: string | null;
  projectIds: string[];
  roles: RoleGrant[];
  /** What the credential allows; a token can only narrow what the roles give. */
  scopes: Scope[];
  clearance: Clearance;
  allowedRegions: string[];
  allowedCidrs: string[];
  authMethod: AuthenticationMethod;
  /** `iss` of the token, for token-based methods. */
  issuer?: string;
  /** `jti` of the token, or the API key id. */
  tokenId?: string;
  /** SHA-256 thumbprint (base64url) of the client certificate the request came with, if any. */
  certificateThumbprint?: string;
  /** Seconds since the epoch; the credential is not valid after it. */
  expiresAt?: number;
}

/** Where the guard puts the principal on the request. */
export interface AuthenticatedRequest {
  principal?: Principal;
}
