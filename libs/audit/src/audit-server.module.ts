import { Module } from '@nestjs/common';
import { ACCESS_POLICY } from '@infergate/contracts';
import { DatabaseCoreModule } from '@infergate/database';
import { AuditEventsController } from './query/audit-events.controller';
import { AUDIT_ACCESS_POLICY, AuditQueryService } from './query/audit-query.service';

/**
 * `GET /v1/admin/audit-events`, mounted by `AuditModule.forRoot({ queryApi: true })`. The access
 * policy is the application's ACCESS_POLICY (AuthorizationModule), read through the contracts token
 * so that audit does not import authorization.
 */
@Module({
  imports: [DatabaseCoreModule],
  controllers: [AuditEventsController],
  providers: [{ provide: AUDIT_ACCESS_POLICY, useExisting: ACCESS_POLICY }, AuditQueryService],
})
export class AuditServerModule {}
