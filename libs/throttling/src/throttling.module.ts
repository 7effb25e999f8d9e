import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { DatabaseCoreModule } from '@infergate/database';
import { OrganizationNames } from './guard/organization-names';
import { PLAN_THROTTLER, RateLimitGuard } from './guard/rate-limit.guard';
import { QuotaService } from './quota/quota.service';
import { RateLimitThrottlerStorage } from './guard/throttler-storage.adapter';
import { PlansModule } from './plans';
import { RATE_LIMIT_STORE, type RateLimitStore } from './rate-limit.types';
import { rateLimitStoreProvider } from './stores';
import { THROTTLING_OPTIONS, ThrottlingModuleOptions } from './throttling.options';
import { UsageController } from './usage/usage.controller';
import { UsageService } from './usage/usage.service';

/** The RATE_LIMIT_STORE (memory or Redis, per configuration), shared by the throttler and the usage API. */
@Module({ imports: [DatabaseCoreModule], providers: [rateLimitStoreProvider], exports: [RATE_LIMIT_STORE] })
class RateLimitStoreModule {}

/**

 * The guard, the QuotaService (units charged by handlers after the guard), the store and the plans,
 * for modules that charge or read limits (inference imports it). Static, so that every importer
 * shares one guard and one store; it reads THROTTLING_OPTIONS, which ThrottlingModule.forRoot
 * provides, and @nestjs/throttler's options (its module is global).
 */
@Module({
  imports: [DatabaseCoreModule, RateLimitStoreModule, PlansModule.forRoot()],
  providers: [OrganizationNames, QuotaService, RateLimitGuard, UsageService],
  exports: [RateLimitGuard, QuotaService, UsageService, RateLimitStoreModule, PlansModule],
})
export class ThrottlingCoreModule {}

/** What ThrottlingModule mounts besides the guard; off unless asked for. */
export interface ThrottlingModuleExtras {
  /** `GET /v1/usage`: the caller's plan, quota consumption and limits. */
  usageApi?: boolean;
}

/** Holds ThrottlingModule's options (see composeLibModule). */
@Module({})
export class ThrottlingOptionsHolder {}

/** The options as the application passed them (before validation and defaults). */
export const THROTTLING_MODULE_OPTIONS = Symbol('THROTTLING_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableThrottlingModule,
  OPTIONS_TYPE: THROTTLING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: THROTTLING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<ThrottlingModuleOptions>>({
  moduleName: 'Throttling',
  optionsInjectionToken: THROTTLING_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<ThrottlingModuleExtras>({ usageApi: false }, (definition, extras): DynamicModule =>
    composeLibModule(definition, {
      holder: ThrottlingOptionsHolder,
      rawToken: THROTTLING_MODULE_OPTIONS,
      token: THROTTLING_OPTIONS,
      type: ThrottlingModuleOptions,
      scope: 'throttling',
      imports: [
        ThrottlingCoreModule,
        ThrottlerModule.forRootAsync({
          imports: [RateLimitStoreModule],
          inject: [RATE_LIMIT_STORE],
          useFactory: (store: RateLimitStore) => ({
            // No limit of its own: the plan's limits apply per scope, and a finite limit reaching the
            // guard can only be a route's @Throttle() (see RateLimitGuard). The ttl is what a
            // @Throttle() that gives only a limit counts it over.
            throttlers: [{ name: PLAN_THROTTLER, limit: Number.POSITIVE_INFINITY, ttl: 60_000 }],
            storage: new RateLimitThrottlerStorage(store),
            setHeaders: false,
          }),
        }),
      ],
      controllers: extras.usageApi ? [UsageController] : [],
      exports: [ThrottlingCoreModule],
    }),
  )
  .build();

/**
 * Throttling on @nestjs/throttler: its module with the plan throttler as its `default` one (so that
 * @SkipThrottle() and @Throttle({ default: … }) address it) and the RATE_LIMIT_STORE as its storage,
 * the plans (`plansDir`), the RateLimitGuard (register it as APP_GUARD 3 with `useExisting`), the
 * QuotaService and, with `usageApi: true`, GET /v1/usage. The pre-auth limiter is a Fastify hook: see
 * registerPreAuthLimiter. Usage: `ThrottlingModule.forRoot({ plansDir, usageApi: true })`.
 */
@Module({})
export class ThrottlingModule extends ConfigurableThrottlingModule {}
