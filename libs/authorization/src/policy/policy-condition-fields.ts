import type { PolicySubject } from '@infergate/contracts';
import type { PrincipalPlaceholder } from './policy.types';

/**
 * The resource properties a rule's `conditions` may name, per subject. The loader refuses any other
 * name, and the enforcement side turns exactly these into SQL filters, so the two share this list.
 * Each name is a property of the subject's entity (and of the plain object handed to `subject(...)`).
 */
export const POLICY_CONDITION_FIELDS = {
  Organization: ['id', 'name', 'status'],
  Project: ['id', 'orgId', 'name', 'status'],
  Application: ['id', 'orgId', 'projectId', 'clientId', 'name', 'status'],
  ApiKey: ['id', 'orgId', 'applicationId', 'name'],
  RoleBinding: ['id', 'orgId', 'projectId', 'role', 'principalType', 'principalId'],
  TrustedIssuer: ['id', 'orgId', 'issuer', 'status'],
  SigningKey: ['kid', 'algorithm', 'status'],
  User: ['id', 'orgId'],
  Model: ['id', 'orgId', 'projectId', 'name', 'status', 'sensitivity'],
  ModelVersion: ['id', 'orgId', 'projectId', 'modelId', 'version', 'status', 'stage', 'region', 'sensitivity'],
  AuditEvent: ['id', 'orgId', 'action', 'outcome', 'actorType', 'actorId', 'resourceType', 'resourceId'],
  Plan: ['id', 'orgId', 'name', 'status'],
  Usage: ['orgId', 'projectId', 'applicationId'],
  Policy: [],
  Metrics: [],
} as const satisfies Record<PolicySubject, readonly string[]>;

/** Comparison operators a condition may use (CASL's MongoDB subset; no `$and`/`$or`/`$regex`). */
export const SCALAR_OPERATORS = ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte'] as const;
export const LIST_OPERATORS = ['$in', '$nin'] as const;
export const CONDITION_OPERATORS = [...SCALAR_OPERATORS, ...LIST_OPERATORS] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Placeholders that stand for a list (usable with `$in`/`$nin`) and for a single value. */
export const LIST_PLACEHOLDERS = ['projectIds', 'clearanceLevels', 'allowedRegions'] as const satisfies readonly PrincipalPlaceholder[];
export const SCALAR_PLACEHOLDERS = ['subject', 'orgId'] as const satisfies readonly PrincipalPlaceholder[];
