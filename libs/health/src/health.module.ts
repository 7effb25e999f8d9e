import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { DatabaseCoreModule } from '@infergate/database';
import { DrainService } from './drain.service';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';
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
      imports: [TerminusModule.forRoot({ logger: false }), DatabaseCoreModule],
      controllers: [HealthController],
      providers: [ReadinessService, DrainService],
      exports: [DrainService],
    }),
  )
  .build();

/** /health/live and /health/ready, and draining on SIGTERM. Usage: `HealthModule.forRoot({ drainDelayMs, graceMs })`. */
@Module({})
export class HealthModule extends ConfigurableHealthModule {}
