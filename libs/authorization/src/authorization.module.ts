import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@infergate/audit';
import { ACCESS_POLICY } from '@infergate/contracts';
import { ABILITY_CACHE_OPTIONS, AbilityCache, type AbilityCacheOptions } from './ability/ability.cache';
import { CaslAccessPolicy } from './ability/casl-access-policy';
import { PoliciesGuard } from './ability/policies.guard';
import { ExplainController } from './explain/explain.controller';
import { ExplainService } from './explain/explain.service';
import { PolicyModule } from './policy/policy.module';

export type AuthorizationModuleOptions = AbilityCacheOptions;

/**
 * Authorization for the gateway or any Nest app that uses IdentityModule: the policy set, cached CASL
 * abilities behind ACCESS_POLICY, the PoliciesGuard (register it as the APP_GUARD after
 * AuthenticationGuard) and `POST /v1/authz/explain`.
 */
@Module({})
export class AuthorizationModule {
  static forRoot(options: AuthorizationModuleOptions = {}): DynamicModule {
    return {
      module: AuthorizationModule,
      global: true,
      imports: [PolicyModule.forRoot(), AuditModule],
      controllers: [ExplainController],
      providers: [
        { provide: ABILITY_CACHE_OPTIONS, useValue: options },
        AbilityCache,
        CaslAccessPolicy,
        { provide: ACCESS_POLICY, useExisting: CaslAccessPolicy },
        PoliciesGuard,
        ExplainService,
      ],
      exports: [ACCESS_POLICY, PoliciesGuard, AbilityCache],
    };
  }
}
