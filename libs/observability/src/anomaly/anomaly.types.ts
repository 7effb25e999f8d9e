/** The detectors, also the values of the `detector` label of infergate_anomalies_total. */
export type AnomalyDetector = 'rate_spike' | 'auth_failures' | 'enumeration' | 'new_source';

/** Milliseconds since the epoch; injectable so that tests can run a simulated day in a second. */
export interface Clock {
  now(): number;
}

export const ANOMALY_CLOCK = Symbol('AnomalyClock');

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** One finished request, as the detectors see it (read from the response hook). */
export interface TrafficSample {
  /** Client IP address (request.ip: X-Forwarded-For only from trusted proxies). */
  ip: string;
  /** Authenticated principal's subject (application or user id), when there was one. */
  subject?: string;
  /** Whether the subject is an application (new-source detection applies to applications). */
  application?: boolean;
  orgId?: string;
  status: number;
  /** Request path without the query string; only needed for 404s. */
  path?: string;
}

/** What a detector found. `key` is what it is about: `ip:<addr>`, `principal:<id>` or `org:<id>`. */
export interface AnomalyDetection {
  detector: AnomalyDetector;
  key: string;
  /** When it was flagged (ms since the epoch). */
  at: number;
  /** The subject and organization involved, when known (for the audit event). */
  subject?: string;
  /** Whether the subject is an application (else a user). */
  application?: boolean;
  orgId?: string;
  ip?: string;
  /** Small numeric evidence: observed value, threshold, baseline. Never paths or payloads. */
  evidence: Record<string, number | string>;
}

/** Thresholds; the first three come from configuration, the rest are tuned defaults. */
export interface AnomalyThresholds {
  spikeFactor: number;
  authFailuresPerMinute: number;
  distinctNotFoundPerMinute: number;
  /** EWMA time constant of the rate baseline, seconds. */
  baselineSeconds: number;
  /** Seconds a client must have been seen before its rate can be flagged. */
  warmupSeconds: number;
  /** The short window compared with the baseline, seconds. */
  spikeWindowSeconds: number;
  /** A baseline below this (requests/s) counts as this much. */
  minBaselinePerSecond: number;
  /** A short-window rate below this (requests/s) is never a spike. */
  spikeFloorPerSecond: number;
  /** A client idle longer than this starts a new warm-up. */
  idleResetSeconds: number;
  /** An application's known sources are learnt for this long before a new one is flagged. */
  sourceLearningSeconds: number;
  /** ...and from at least this many requests. */
  sourceLearningRequests: number;
  /** Clients tracked per detector (least recently seen dropped first). */
  maxTrackedClients: number;
}

export const DEFAULT_THRESHOLDS: AnomalyThresholds = {
  spikeFactor: 5,
  authFailuresPerMinute: 30,
  distinctNotFoundPerMinute: 50,
  baselineSeconds: 300,
  warmupSeconds: 60,
  spikeWindowSeconds: 3,
  minBaselinePerSecond: 1,
  spikeFloorPerSecond: 10,
  idleResetSeconds: 900,
  sourceLearningSeconds: 3600,
  sourceLearningRequests: 20,
  maxTrackedClients: 10_000,
};
