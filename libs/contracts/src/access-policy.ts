import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Principal } from './principal';

export const POLICY_ACTIONS = ['read', 'create', 'update', 'delete', 'infer', 'publish', 'transition', 'administer', 'audit'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** Resource types policies speak about. Conditions name the resource's entity property names. */
export const POLICY_SUBJECTS = [
  'Organization',
  'Project',
  'Application',
  'ApiKey',
  'RoleBinding',
  'TrustedIssuer',
  'SigningKey',
  'User',
  'Model',
  'ModelVersion',
  'AuditEvent',
  'Plan',
  'Usage',
  'Policy',
  'Metrics',
] as const;
export type PolicySubject = (typeof POLICY_SUBJECTS)[number];

/**
 * The port through which identity (and every later module) asks "may this principal do this?". The
 * authorization module implements it with CASL abilities compiled from the policy set; it is a token
 * here so that identity does not depend on authorization.
 */
export interface AccessPolicy {
  /** May the principal `action` this resource instance (or, without one, some instance of the type)? */
  can(principal: Principal, action: PolicyAction, subject: PolicySubject, resource?: object): boolean;

  /**
   * Instance check. Throws a 404 problem when the principal may not even read the resource (another
   * organization's answers exactly like a missing one), a 403 problem when it may read but not `action`.
   * The denial is audited with the rule that decided it.
   */
  assert(principal: Principal, action: PolicyAction, subject: PolicySubject, resource: object): void;

  /**
   * Narrows a query to the rows the principal may `action`, in SQL (conditions become WHERE clauses
   * on `alias`), so that counts and pages reflect only what the caller may see.
   */
  restrictQuery<T extends ObjectLiteral>(
    query: SelectQueryBuilder<T>,
    alias: string,
    principal: Principal,
    action: PolicyAction,
    subject: PolicySubject,
  ): SelectQueryBuilder<T>;

  /** The fields of a resource the principal may read; every field when no rule restricts them. */
  readableFields(principal: Principal, subject: PolicySubject, resource: object): string[] | 'all';
}

export const ACCESS_POLICY = Symbol('AccessPolicy');
