/** Data sensitivity levels, in increasing order; a principal may see data up to its clearance. */
export const CLEARANCES = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Clearance = (typeof CLEARANCES)[number];

/** True when `held` is at least `required`. */
export function clearanceCovers(held: Clearance, required: Clearance): boolean {
  return CLEARANCES.indexOf(held) >= CLEARANCES.indexOf(required);
}

export const ROLES = ['platform-admin', 'org-admin', 'model-publisher', 'model-consumer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export type EntityStatus = 'active' | 'disabled';

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/**
 * Token scopes the gateway understands. A token narrows what its roles allow (least privilege); the
 * authorization module decides what each scope is needed for.
 */
export const SCOPES = ['infer', 'models:read', 'models:write', 'admin', 'audit:read', 'metrics:read', 'usage:read'] as const;
export type Scope = (typeof SCOPES)[number];
