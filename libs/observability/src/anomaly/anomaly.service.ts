import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AnomalyBlocklist } from './anomaly-blocklist';
import { AnomalyWebhook } from './anomaly-webhook';
import {
  ANOMALY_CLOCK,
  DEFAULT_THRESHOLDS,
  SYSTEM_CLOCK,
  type AnomalyDetection,
  type AnomalyThresholds,
  type Clock,
  type TrafficSample,
} from './anomaly.types';
import { AuthFailureDetector } from './auth-failure.detector';
import { EnumerationDetector } from './enumeration.detector';
import { NewSourceDetector } from './new-source.detector';
import { RateSpikeDetector } from './rate-spike.detector';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options';

/** A detection as listeners and the webhook receive it: with whether (and for how long) it blocked. */
export interface AnomalyAlert extends AnomalyDetection {
  /** Seconds the client is refused for; 0 when nothing was blocked. */
  blockedSeconds: number;
}

export type AnomalyListener = (alert: AnomalyAlert) => void;

/** Tuning beyond the configuration (tests; defaults in DEFAULT_THRESHOLDS). */
export const ANOMALY_THRESHOLDS = Symbol('AnomalyThresholds');

/**
 * Streaming anomaly detection over finished requests (fed by the response hook, off the request's
 * critical path). Per client (the principal when authenticated, else the IP) and per organization:
 * rate spikes; per source IP: authentication failure bursts; per client: 404 enumeration; per
 * application: calls from a network it never used. A detection increments infergate_anomalies_total,
 * is logged, goes to the listeners (the gateway wires the audit trail: see anomalyAuditEvent) and the
 * optional webhook, and, with anomalyBlockSeconds > 0, blocks the client: its IP for bursts of
 * failures, its principal (or IP when anonymous) for spikes and enumeration. Organization-wide spikes
 * and new sources alert without blocking: refusing a whole organization, or an application that just
 * moved, on a heuristic would do more harm than the alert prevents.
 */
@Injectable()
export class AnomalyService {
  private readonly logger = new Logger(AnomalyService.name);
  private readonly clientRates: RateSpikeDetector;
  private readonly orgRates: RateSpikeDetector;
  private readonly authFailures: AuthFailureDetector;
  private readonly enumeration: EnumerationDetector;
  private readonly newSources: NewSourceDetector;
  private readonly webhook: AnomalyWebhook | null;
  private readonly blockSeconds: number;
  private readonly listeners: AnomalyListener[] = [];

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly blocklist: AnomalyBlocklist,
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
    @Optional() @Inject(ANOMALY_CLOCK) private readonly clock: Clock = SYSTEM_CLOCK,
    @Optional() @Inject(ANOMALY_THRESHOLDS) tuning: Partial<AnomalyThresholds> = {},
  ) {
    const o = options;
    const thresholds: AnomalyThresholds = {
      ...DEFAULT_THRESHOLDS,
      spikeFactor: o.anomalySpikeFactor,
      authFailuresPerMinute: o.anomalyAuthFailuresPerMinute,
      distinctNotFoundPerMinute: o.anomalyDistinctNotFoundPerMinute,
      ...tuning,
    };
    this.clientRates = new RateSpikeDetector(thresholds);
    this.orgRates = new RateSpikeDetector(thresholds);
    this.authFailures = new AuthFailureDetector(thresholds);
    this.enumeration = new EnumerationDetector(thresholds);
    this.newSources = new NewSourceDetector(thresholds);
    this.webhook = o.anomalyWebhookUrl ? new AnomalyWebhook(o.anomalyWebhookUrl) : null;
    this.blockSeconds = o.anomalyBlockSeconds;
  }

  /** Subscribes to detections; returns the unsubscribe function. Listeners must not throw (they are guarded anyway). */
  onAnomaly(listener: AnomalyListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at !== -1) this.listeners.splice(at, 1);
    };
  }

  /** Feeds one finished request to every detector that applies. Keeps no reference to `sample`. */
  observe(sample: TrafficSample): void {
    const now = this.clock.now();
    const { ip, subject, orgId, status } = sample;
    const client = subject ? AnomalyBlocklist.principalKey(subject) : AnomalyBlocklist.ipKey(ip);

    const spike = this.clientRates.record(client, now);
    if (spike)
      this.report({ detector: 'rate_spike', key: client, at: now, ...AnomalyService.contextOf(sample), evidence: { ...spike } }, client);
    if (orgId) {
      const orgSpike = this.orgRates.record(`org:${orgId}`, now);
      if (orgSpike) this.report({ detector: 'rate_spike', key: `org:${orgId}`, at: now, orgId, evidence: { ...orgSpike } }, null);
    }
    if (status === 401) {
      const failures = this.authFailures.record(ip, now);
      if (failures !== null) {
        const key = AnomalyBlocklist.ipKey(ip);
        this.report(
          { detector: 'auth_failures', key, at: now, ...AnomalyService.contextOf(sample), evidence: { failuresPerMinute: failures } },
          key,
        );
      }
    }
    if (status === 404 && sample.path !== undefined) {
      const distinct = this.enumeration.record(client, sample.path, now);
      if (distinct !== null) {
        this.report(
          {
            detector: 'enumeration',
            key: client,
            at: now,
            ...AnomalyService.contextOf(sample),
            evidence: { distinctNotFoundPerMinute: distinct },
          },
          client,
        );
      }
    }
    if (subject && sample.application) {
      const network = this.newSources.record(subject, ip, now);
      if (network !== null)
        this.report({ detector: 'new_source', key: client, at: now, ...AnomalyService.contextOf(sample), evidence: { network } }, null);
    }
  }

  /** Who a detection is about, copied out of the (reused) sample. */
  private static contextOf(sample: TrafficSample): Pick<AnomalyDetection, 'subject' | 'application' | 'orgId' | 'ip'> {
    return { subject: sample.subject, application: sample.application, orgId: sample.orgId, ip: sample.ip };
  }

  private report(detection: AnomalyDetection, blockKey: string | null): void {
    const blockedSeconds = blockKey !== null && this.blockSeconds > 0 ? this.blockSeconds : 0;
    if (blockedSeconds > 0) this.blocklist.block(blockKey!, blockedSeconds);
    this.metrics.anomalies.labels(detection.detector).inc();
    const alert: AnomalyAlert = { ...detection, blockedSeconds };
    this.logger.warn(
      { event: 'anomaly.detected', detector: alert.detector, key: alert.key, orgId: alert.orgId, blockedSeconds, evidence: alert.evidence },
      `anomaly detected: ${alert.detector}`,
    );
    for (const listener of this.listeners) {
      try {
        listener(alert);
      } catch (error) {
        this.logger.error({ event: 'anomaly.listener_failed', err: error }, 'anomaly listener failed');
      }
    }
    this.webhook?.send(alert);
  }
}

/**
 * The audit event for an alert, shaped as @infergate/audit's AuditEventInput (observability cannot
 * import the audit library: audit imports observability for its metrics). The gateway wires it:
 * `anomalies.onAnomaly((alert) => void audit.record(anomalyAuditEvent(alert)))`.
 */
export function anomalyAuditEvent(alert: AnomalyAlert): {
  action: string;
  outcome: 'denied' | 'failure';
  actor: { type: 'application' | 'user' | 'anonymous'; id?: string };
  orgId?: string;
  reason: string;
  details: Record<string, string | number | boolean | null>;
  occurredAt: Date;
} {
  return {
    action: `anomaly.${alert.detector}`,
    outcome: alert.blockedSeconds > 0 ? 'denied' : 'failure',
    actor: alert.subject ? { type: alert.application ? 'application' : 'user', id: alert.subject } : { type: 'anonymous' },
    ...(alert.orgId ? { orgId: alert.orgId } : {}),
    reason: alert.detector,
    details: { key: alert.key, clientIp: alert.ip ?? null, blockedSeconds: alert.blockedSeconds, ...alert.evidence },
    occurredAt: new Date(alert.at),
  };
}
