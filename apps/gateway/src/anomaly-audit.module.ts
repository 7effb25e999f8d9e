import { Injectable, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AuditModule, AuditService } from '@infergate/audit';
import { anomalyAuditEvent, AnomalyService } from '@infergate/observability';

/**
 * Puts every anomaly alert in the audit trail (action `anomaly.<detector>`). It lives in the app, the
 * one place that may depend on both: the audit library imports observability (for its metrics), so
 * observability cannot import audit; it exposes `onAnomaly` instead and the app subscribes here.
 */
@Injectable()
export class AnomalyAuditBridge implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    private readonly anomalies: AnomalyService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.anomalies.onAnomaly((alert) => void this.audit.record(anomalyAuditEvent(alert)));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}

@Module({ imports: [AuditModule], providers: [AnomalyAuditBridge] })
export class AnomalyAuditModule {}
