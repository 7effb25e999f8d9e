import { CanActivate, ExecutionContext, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditService } from '@infergate/audit';
import {
  IS_PUBLIC_KEY,
  POLICY_REQUIREMENT_KEY,
  type PolicyRequirement,
  AccessForbiddenException,
  RouteMetadataCache,
} from '@infergate/common';
import { GatewayMetrics, SPAN_NAMES, traced } from '@infergate/observability';
import { type AuthenticatedRequest, type PolicyAction, type PolicySubject } from '@infergate/contracts';
import { InsufficientScopeException } from '@infergate/identity';
import { AbilityCache } from './ability.cache';
import { scopesThatWouldAllow } from './ability.factory';
import type { RequestWithAbility } from './ability.types';

import { auditDenial, decidingRuleOf } from './decision';

type GuardedRequest = AuthenticatedRequest & RequestWithAbility & { id?: string | number };

/**
 * Route-level authorization (APP_GUARD 2, after AuthenticationGuard): the route's @CheckPolicies
 * requirement checked on the subject type. Services still check the loaded instance. A non-public
 * route without a requirement is refused: forgetting the decorator must not open a route. The
 * principal's ability is left on the request for services to reuse.
 */
@Injectable()
export class PoliciesGuard implements CanActivate {
  private readonly logger = new Logger(PoliciesGuard.name);
  /** Per route: public (no policy check), the @CheckPolicies requirement, and its name for the logs. */
  private readonly routes = new RouteMetadataCache((targets) => ({
    isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true,
    requirement: this.reflector.getAllAndOverride<PolicyRequirement | undefined>(POLICY_REQUIREMENT_KEY, targets),
    name: `${targets[1].name}.${targets[0].name}`,
  }));

  constructor(
    private readonly reflector: Reflector,
    private readonly abilities: AbilityCache,
    private readonly audit: AuditService,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const route = this.routes.of(context);
    if (route.isPublic) return true;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- traced() calls it on `this`, without a closure per request
    return traced(SPAN_NAMES.authorize, this.authorize, this, context, route.requirement, route.name);
  }

  private authorize(context: ExecutionContext, requirement: PolicyRequirement | undefined, route: string): boolean {
    if (!requirement) {
      this.logger.error({ event: 'authz.policy_missing', route }, 'route has neither @Public() nor @CheckPolicies(): refused');
      throw new AccessForbiddenException();
    }
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const principal = request.principal;
    if (!principal) {
      this.logger.error(
        { event: 'authz.principal_missing', route },
        'no principal on a protected route: is AuthenticationGuard registered first?',
      );
      throw new AccessForbiddenException();
    }

    const { ability, policy } = this.abilities.forPrincipal(principal);
    request.ability = ability;
    request.policyVersion = policy.version;
    const action = requirement.action as PolicyAction;
    const subjectType = requirement.subject as PolicySubject;
    if (
      requirement.anyOf
        ? requirement.anyOf.some((each) => ability.can(each as PolicyAction, subjectType))
        : ability.can(action, subjectType)
    )
      return true;

    const scopes = scopesThatWouldAllow(policy, principal, action, subjectType);
    const rule = scopes ? 'insufficient-scope' : (decidingRuleOf(ability, action, subjectType) ?? 'unknown');
    this.metrics?.authorizationDenials.labels(subjectType, action, rule).inc();
    auditDenial(this.audit, {
      principal,
      action,
      subject: subjectType,
      rule,
      policyVersion: policy.version,
      status: 403,
      requestId: request.id === undefined ? undefined : String(request.id),
    });
    if (scopes) throw new InsufficientScopeException(scopes);
    throw new AccessForbiddenException();
  }
}
