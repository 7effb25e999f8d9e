import { DynamicModule, InjectionToken, Module } from '@nestjs/common';
import { AuditModule } from './audit.module';
import { AuditEventsController } from './query/audit-events.controller';
import { AUDIT_ACCESS_POLICY, AuditQueryService } from './query/audit-query.service';
import { AuditRetentionService } from './retention/audit-retention.service';

export interface AuditServerOptions {
  /** The token the AccessPolicy is provided under: `ACCESS_POLICY` from @infergate/identity. */
  accessPolicy: InjectionToken;
}

/**
 * The gateway's side of the audit trail: `GET /v1/admin/audit-events` and the retention job. Kept
 * apart from AuditModule, which identity, authorization and the CLI import for the writer: they get
 * neither the query API nor a pruning job. Usage: `AuditServerModule.forRoot({ accessPolicy: ACCESS_POLICY })`.
 */
@Module({})
export class AuditServerModule {
  static forRoot(options: AuditServerOptions): DynamicModule {
    return {
      module: AuditServerModule,
      imports: [AuditModule],
      controllers: [AuditEventsController],
      providers: [{ provide: AUDIT_ACCESS_POLICY, useExisting: options.accessPolicy }, AuditQueryService, AuditRetentionService],
      exports: [AuditRetentionService],
    };
  }
}
