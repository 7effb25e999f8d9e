import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@infergate/audit';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { ACCESS_POLICY } from '@infergate/contracts';
import { ABILITY_CACHE_OPTIONS, AbilityCache } from './ability/ability.cache';
import { CaslAccessPolicy } from './ability/casl-access-policy';
import { PoliciesGuard } from './ability/policies.guard';
import { AUTHORIZATION_OPTIONS, AuthorizationModuleOptions } from './authorization.options';
import { ExplainController } from './explain/explain.controller';
import { ExplainService } from './explain/explain.service';
import { PolicyModule } from './policy/policy.module';

/** What AuthorizationModule mounts besides the policy decision; off unless asked for. */
export interface AuthorizationModuleExtras {
  /** `POST /v1/authz/explain`: which rules decide a principal's action on a resource. */
  explainApi?: boolean;
}

/** Holds AuthorizationModule's options (see composeLibModule). */
@Module({})
export class AuthorizationOptionsHolder {}

/** The options as the application passed them (before validation and defaults). */
export const AUTHORIZATION_MODULE_OPTIONS = Symbol('AUTHORIZATION_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableAuthorizationModule,
  OPTIONS_TYPE: AUTHORIZATION_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTHORIZATION_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<AuthorizationModuleOptions>>({
  moduleName: 'Authorization',
  optionsInjectionToken: AUTHORIZATION_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<AuthorizationModuleExtras>({ explainApi: false }, (definition, extras): DynamicModule => ({
    ...composeLibModule(definition, {
      holder: AuthorizationOptionsHolder,
      rawToken: AUTHORIZATION_MODULE_OPTIONS,
      token: AUTHORIZATION_OPTIONS,
      type: AuthorizationModuleOptions,
      scope: 'authorization',
      imports: [PolicyModule.forRoot(), AuditModule],
      controllers: extras.explainApi ? [ExplainController] : [],
      providers: [
        { provide: ABILITY_CACHE_OPTIONS, useExisting: AUTHORIZATION_OPTIONS },
        AbilityCache,
        CaslAccessPolicy,
        { provide: ACCESS_POLICY, useExisting: CaslAccessPolicy },
        PoliciesGuard,
        ExplainService,
      ],
      exports: [ACCESS_POLICY, PoliciesGuard, AbilityCache],
    }),
    // Global for ACCESS_POLICY alone in effect: it is the inversion point that identity, audit and the
    // registry check access through (contracts token), and they sit below authorization.
    global: true,
  }))
  .build();

/**
 * Authorization for the gateway or any Nest app that uses IdentityModule: the policy set
 * (`policyDir`, watched unless `watchPolicies: false`), cached CASL abilities behind ACCESS_POLICY,
 * the PoliciesGuard (register it as the APP_GUARD after AuthenticationGuard) and, with
 * `explainApi: true`, `POST /v1/authz/explain`.
 */
@Module({})
export class AuthorizationModule extends ConfigurableAuthorizationModule {}
