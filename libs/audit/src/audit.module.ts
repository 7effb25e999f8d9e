import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCheckpointEntity } from './audit-checkpoint.entity';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';

/** The audit trail's writer (AuditService): what every module that records events imports. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditCheckpointEntity])],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
