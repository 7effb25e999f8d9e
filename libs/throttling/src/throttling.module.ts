import { DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { OrganizationNames } from './guard/organization-names';
import { PLAN_THROTTLER, RateLimitGuard } from './guard/rate-limit.guard';
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
 * Throttling on @nestjs/throttler: its module with one named throttler (`plan`) whose storage is the
 * RATE_LIMIT_STORE, the plans, the RateLimitGuard (register it as APP_GUARD 3 with `useExisting`),
 * and GET /v1/usage. The pre-auth limiter is a Fastify hook: see registerPreAuthLimiter.
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
            // Placeholders: the plan throttler's limits come from the caller's plan, per scope.
            throttlers: [{ name: PLAN_THROTTLER, limit: 1, ttl: 1000 }],
            storage: new RateLimitThrottlerStorage(store),
            setHeaders: false,
          }),
        }),
      ],
      controllers: [UsageController],
      providers: [OrganizationNames, RateLimitGuard, UsageService],
      exports: [RateLimitGuard, RateLimitStoreModule, PlansModule],
    };
  }
}
