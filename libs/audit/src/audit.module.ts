import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { DatabaseCoreModule } from '@infergate/database';
import { AuditServerModule } from './audit-server.module';
import { AuditCheckpointEntity } from './audit-checkpoint.entity';
import { AuditEventEntity } from './audit-event.entity';
import { AUDIT_OPTIONS, AuditOptions } from './audit.options';
import { AuditService } from './audit.service';
import { AuditRetentionService } from './retention/audit-retention.service';

/**
 * The audit trail's writer (AuditService): what every module that records events imports. It reads
 * AUDIT_OPTIONS, which the application provides once with `AuditModule.forRoot(options)`; both are
 * the same module instance, so there is one AuditService (one chain, one spool) per application.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditCheckpointEntity]), DatabaseCoreModule],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {
  /** The writer with its options, and the query API or the retention job when asked for. */
  static forRoot(options: typeof AUDIT_OPTIONS_TYPE): DynamicModule {
    return AuditRootModule.forRoot(options);
  }

  static forRootAsync(options: typeof AUDIT_ASYNC_OPTIONS_TYPE): DynamicModule {
    return AuditRootModule.forRootAsync(options);
  }
}

/** What AuditModule.forRoot adds to the writer; off unless asked for. */
export interface AuditModuleExtras {
  /** `GET /v1/admin/audit-events` (needs an ACCESS_POLICY in the application). */
  queryApi?: boolean;
  /** The job that prunes events older than `retentionDays` (and records its own run). */
  retention?: boolean;
}

/** Holds AuditModule's options (see composeLibModule). */
@Module({})
export class AuditOptionsHolder {}

/** The options as the application passed them (before validation and defaults). */
export const AUDIT_MODULE_OPTIONS = Symbol('AUDIT_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableAuditModule,
  OPTIONS_TYPE: AUDIT_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUDIT_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<AuditOptions>>({ moduleName: 'Audit', optionsInjectionToken: AUDIT_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<AuditModuleExtras>({ queryApi: false, retention: false }, (definition, extras): DynamicModule =>
    composeLibModule(definition, {
      holder: AuditOptionsHolder,
      rawToken: AUDIT_MODULE_OPTIONS,
      token: AUDIT_OPTIONS,
      type: AuditOptions,
      scope: 'audit',
      imports: [AuditModule, DatabaseCoreModule, ...(extras.queryApi ? [AuditServerModule] : [])],
      providers: extras.retention ? [AuditRetentionService] : [],
      exports: [AuditModule],
    }),
  )
  .build();

/** The dynamic side of AuditModule (the bare AuditModule stays importable by every library). */
@Module({})
export class AuditRootModule extends ConfigurableAuditModule {}
