import type { JWTPayload } from 'jose';
import { CLEARANCES, Clearance, SCOPES, Scope } from '@infergate/contracts';
import type { ClaimMapping } from './trusted-issuer.entity';

/** Where roles are looked for when the issuer names no roles claim: plain, Keycloak realm and client roles. */
export const DEFAULT_ROLE_PATHS = ['roles', 'realm_access.roles', 'resource_access.{audience}.roles'];
/** Where scopes are looked for when the issuer names no scopes claim: `scope` (RFC 8693/9068) and `scp` (Okta, Entra ID). */
export const DEFAULT_SCOPE_PATHS = ['scope', 'scp'];

/** The attributes an external token's claims carry, before they are checked against the directory. */
export interface MappedClaims {
  kind: 'user' | 'application';
  /** The IdP's `sub`, or the client id for client-credentials tokens without a user. */
  subject: string;
  clientId?: string;
  /** The org claim as found (checked against the directory by the caller). */
  org: unknown;
  roles: string[];
  scopes: Scope[];
  clearance: Clearance;
  projects: string[];
  regions?: string[];
  email?: string;
  displayName?: string;
}

/**
 * Reads a claim by path. A top-level claim of exactly that name wins (namespaced claims such as
 * `https://example.com/roles` contain dots); otherwise dots walk into objects, and the segment
 * `{audience}` stands for the issuer's audience (Keycloak's `resource_access.<client>.roles`).
 */
export function claimAt(claims: Record<string, unknown>, path: string, audience: string): unknown {
  if (Object.prototype.hasOwnProperty.call(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const raw of path.split('.')) {
    const segment = raw === '{audience}' ? audience : raw;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** An array of strings, or a space-separated string, as a list; anything else is empty. */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
  return [];
}

function collect(claims: Record<string, unknown>, paths: readonly string[], audience: string): string[] {
  return [...new Set(paths.flatMap((path) => stringList(claimAt(claims, path, audience))))];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 320 ? value : undefined;
}

/** The client the token was issued to: RFC 9068 `client_id`, OIDC `azp`, Okta `cid`, Entra ID `appid`/`azp`. */
function clientIdOf(claims: Record<string, unknown>): string | undefined {
  for (const name of ['client_id', 'azp', 'cid', 'appid']) {
    const value = optionalString(claims[name]);
    if (value) return value;
  }
  return undefined;
}

/**
 * Maps an external token's verified claims with the issuer's claim mapping. A token is a user's when
 * it has a `sub` that is not its client's id (and is not marked as an app-only or service-account
 * token); otherwise it is an application's. Unknown scopes and clearances are dropped, never widened.
 */
export function mapExternalClaims(payload: JWTPayload, mapping: ClaimMapping, audience: string): MappedClaims | undefined {
  const claims = payload as Record<string, unknown>;
  const sub = optionalString(claims.sub);
  const clientId = clientIdOf(claims);
  const serviceAccount =
    claims.idtyp === 'app' || (typeof claims.preferred_username === 'string' && claims.preferred_username.startsWith('service-account-'));
  const isUser = sub !== undefined && sub !== clientId && !serviceAccount;
  const subject = isUser ? sub : (clientId ?? sub);
  if (!subject) return undefined;

  const clearanceClaim = claimAt(claims, mapping.clearance ?? 'clearance', audience);
  const regionsClaim = mapping.regions ? claimAt(claims, mapping.regions, audience) : undefined;
  const org = claimAt(claims, mapping.org ?? 'org_id', audience);
  return {
    kind: isUser ? 'user' : 'application',
    subject,
    clientId,
    org,
    roles: collect(claims, mapping.roles ? [mapping.roles] : DEFAULT_ROLE_PATHS, audience),
    scopes: collect(claims, mapping.scopes ? [mapping.scopes] : DEFAULT_SCOPE_PATHS, audience).filter((scope): scope is Scope =>
      (SCOPES as readonly string[]).includes(scope),
    ),
    clearance: (CLEARANCES as readonly unknown[]).includes(clearanceClaim) ? (clearanceClaim as Clearance) : 'public',
    projects: collect(claims, [mapping.projects ?? 'project_ids'], audience),
    regions: regionsClaim === undefined ? undefined : stringList(regionsClaim),
    email: optionalString(claims.email) ?? optionalString(claims.upn),
    displayName: optionalString(claims.name),
  };
}
