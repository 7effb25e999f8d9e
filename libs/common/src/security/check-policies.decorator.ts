import { SetMetadata } from '@nestjs/common';

export const POLICY_REQUIREMENT_KEY = 'infergate:policy-requirement';

/** What a route needs: an action (or any one of several) on a subject type, checked by the global PoliciesGuard. */
export interface PolicyRequirement {
  /** The action named in denials: the first of `anyOf` when several are accepted. */
  action: string;
  subject: string;
  /**
   * Set when the route accepts any one of several actions, because which one applies depends on the
   * change requested (e.g. a status change needs `update` or `administer`); the service then checks the
   * exact action on the loaded instance.
   */
  anyOf?: readonly string[];
}

/**
 * Declares the route-level authorization check. Every non-public route must carry one; services
 * still check the loaded resource instance. Metadata only, so any library can annotate its routes.
 */
export const CheckPolicies = (action: string | readonly [string, ...string[]], subject: string): MethodDecorator & ClassDecorator =>
  SetMetadata(
    POLICY_REQUIREMENT_KEY,
    (typeof action === 'string' ? { action, subject } : { action: action[0], subject, anyOf: action }) satisfies PolicyRequirement,
  );
