import type { PolicyAction, PolicySubject, Role, Scope } from '@infergate/contracts';

/**
 * Principal attributes a condition may refer to, as `"${principal.orgId}"` (the whole string value is
 * replaced, so arrays stay arrays). `clearanceLevels` is every level up to the principal's clearance,
 * for conditions like `sensitivity: { $in: "${principal.clearanceLevels}" }`.
 */
export const PRINCIPAL_PLACEHOLDERS = ['subject', 'orgId', 'projectIds', 'clearanceLevels', 'allowedRegions'] as const;
export type PrincipalPlaceholder = (typeof PRINCIPAL_PLACEHOLDERS)[number];

/** One rule of the policy set, as written in policies/*.yaml. */
export interface PolicyRule {
  /** Unique across the set; recorded with every decision it makes. */
  id: string;
  effect: 'allow' | 'deny';
  /** Roles the rule applies to; `'*'` means every authenticated principal. */
  roles: (Role | '*')[];
  actions: PolicyAction[];
  subject: PolicySubject;
  /** CASL (MongoDB-style) conditions over the resource's properties; placeholders allowed. */
  conditions?: Record<string, unknown>;
  /** Restricts the rule to these fields of the resource (field-level rules). */
  fields?: string[];
  /** Token scopes an allow rule requires; a token can only narrow what its roles give. */
  scopes?: Scope[];
  description?: string;
}

/** A validated, immutable policy set. `version` is the SHA-256 of its canonical content. */
export interface PolicySet {
  version: string;
  rules: readonly PolicyRule[];
  /** The files it was read from, relative to the policy directory. */
  files: readonly string[];
  loadedAt: Date;
}

/** Where the active policy set comes from; swaps are atomic and listeners hear of each one. */
export interface PolicySource {
  current(): PolicySet;
  onChange(listener: (set: PolicySet) => void): void;
}

export const POLICY_SOURCE = Symbol('PolicySource');
