import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { DatabaseCoreModule } from '@infergate/database';
import { DrainService } from './drain.service';
import { HealthReportInterceptor } from './health-report.interceptor';
import { HealthController } from './health.controller';
import { DatabaseHealthIndicator } from './indicators/database.health';
import { DrainHealthIndicator } from './indicators/drain.health';
import { MigrationsHealthIndicator } from './indicators/migrations.health';
import { RedisHealthIndicator } from './indicators/redis.health';
import { SHUTDOWN_OPTIONS, ShutdownOptions } from './shutdown.options';

/** Holds HealthModule's options (see composeLibModule). */
@Module({})
export class HealthOptionsHolder {}

/** The options as the application passed them (before validation and defaults). */
export const HEALTH_MODULE_OPTIONS = Symbol('HEALTH_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableHealthModule,
  OPTIONS_TYPE: HEALTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: HEALTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<ShutdownOptions>>({ moduleName: 'Health', optionsInjectionToken: HEALTH_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras({}, (definition): DynamicModule =>
    composeLibModule(definition, {
      holder: HealthOptionsHolder,
      rawToken: HEALTH_MODULE_OPTIONS,
      token: SHUTDOWN_OPTIONS,
      type: ShutdownOptions,
      scope: 'shutdown',
      // terminus' logger is off: a probe failing is the load balancer's news, and its log line would
      // carry the indicators' details.
      imports: [TerminusModule.forRoot({ logger: false }), DatabaseCoreModule],
      controllers: [HealthController],
      providers: [
        DrainService,
        DrainHealthIndicator,
        DatabaseHealthIndicator,
        MigrationsHealthIndicator,
        RedisHealthIndicator,
        HealthReportInterceptor,
      ],
      exports: [DrainService],
    }),
  )
  .build();

/**
 * GET /health/live and /health/ready on @nestjs/terminus, one indicator class per dependency, and the
 * DrainService for graceful shutdown (`drainDelayMs`, `graceMs`). Usage: `HealthModule.forRoot({ drainDelayMs, graceMs })`.
 */
@Module({})
export class HealthModule extends ConfigurableHealthModule {}
