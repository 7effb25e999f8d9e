import { DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { OrganizationNames } from './guard/organization-names';
import { PLAN_THROTTLER, RateLimitGuard } from './guard/rate-limit.guard';
import { QuotaService } from './quota/quota.service';
import { RateLimitThrottlerStorage } from './guard/throttler-storage.adapter';
import { PlansModule } from './plans';
import { RATE_LIMIT_STORE, type RateLimitStore } from './rate-limit.types';
import { rateLimitStoreProvider } from './stores';
import { UsageController } from './usage/usage.controller';
import { UsageService } from './usage/usage.service';

/** The RATE_LIMIT_STORE (memory or Redis, per configuration), shared by the throttler and the usage API. */
@Module({ providers: [rateLimitStoreProvider], exports: [RATE_LIMIT_STORE] })
class RateLimitStoreModule {}

/**
 * Throttling on @nestjs/throttler: its module with the plan throttler as its `default` one (so that
 * @SkipThrottle() and @Throttle({ default: … }) address it) and the RATE_LIMIT_STORE as its storage,
 * the plans, the RateLimitGuard (register it as APP_GUARD 3 with `useExisting`), the QuotaService
 * (units charged by handlers after the guard), and GET /v1/usage. The pre-auth limiter is a Fastify
 * hook: see registerPreAuthLimiter.
 */
@Module({})
export class ThrottlingModule {
  static forRoot(): DynamicModule {
    return {
      module: ThrottlingModule,
      global: true,
      imports: [
        RateLimitStoreModule,
        PlansModule.forRoot(),
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
      controllers: [UsageController],
      providers: [OrganizationNames, QuotaService, RateLimitGuard, UsageService],
      exports: [RateLimitGuard, QuotaService, RateLimitStoreModule, PlansModule],
    };
  }
}
