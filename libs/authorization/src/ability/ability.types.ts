import type { ForcedSubject, MongoAbility, MongoQuery } from '@casl/ability';
import type { PolicyAction, PolicySubject } from '@infergate/contracts';
import type { PolicySet } from '../policy/policy.types';

/** A resource instance tagged with its subject type (see `subject()` from @casl/ability). */
export type SubjectInstance = ForcedSubject<PolicySubject> & object;

/**
 * A principal's compiled ability. Every CASL rule carries the id of the PolicyRule it came from in
 * its `reason`, so that decisions can name the rule that made them.
 */
export type AppAbility = MongoAbility<[PolicyAction, PolicySubject | SubjectInstance], MongoQuery>;

/** An ability together with the policy set it was compiled from. */
export interface CompiledAbility {
  ability: AppAbility;
  policy: PolicySet;
}

/** Where the PoliciesGuard leaves the route principal's ability, for services to reuse. */
export interface RequestWithAbility {
  ability?: AppAbility;
  policyVersion?: string;
}

/**
 * The condition operators whose meaning is identical in memory (`can()`) and in SQL
 * (`restrictQuery()`); a policy using any other operator is refused when translated to SQL.
 */
export const SUPPORTED_CONDITION_OPERATORS = ['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$or', '$and', '$nor'] as const;
