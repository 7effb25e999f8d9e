import { SetMetadata } from '@nestjs/common';

export const POLICY_REQUIREMENT_KEY = 'infergate:policy-requirement';

/** What a route needs: an action on a subject type, checked by the global PoliciesGuard. */
export interface PolicyRequirement {
  action: string;
  subject: string;
}

/**
 * Declares the route-level authorization check. Every non-public route must carry one; services
 * still check the loaded resource instance. Metadata only, so any library can annotate its routes.
 */
export const CheckPolicies = (action: string, subject: string): MethodDecorator & ClassDecorator =>
  SetMetadata(POLICY_REQUIREMENT_KEY, { action, subject } satisfies PolicyRequirement);
