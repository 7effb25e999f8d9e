import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateOptions } from '@infergate/common';
import { ObservabilityOptions } from '../observability.options';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AnomalyBlocklist, ClientBlockedException } from './anomaly-blocklist';
import { anomalyAuditEvent, AnomalyService, type AnomalyAlert } from './anomaly.service';
import type { Clock } from './anomaly.types';

class FakeClock implements Clock {
  constructor(public time = Date.UTC(2026, 0, 5)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

describe(AnomalyService.name, () => {
  let clock: FakeClock;
  let metrics: GatewayMetrics;
  let blocklist: AnomalyBlocklist;
  let alerts: AnomalyAlert[];

  const build = (options: Partial<ObservabilityOptions> = {}): AnomalyService => {
    const sut = new AnomalyService(
      metrics,
      blocklist,
      validateOptions(
        ObservabilityOptions,
        { anomalyDistinctNotFoundPerMinute: 5, anomalyAuthFailuresPerMinute: 3, ...options },
        'observability',
      ),
      clock,
    );
    sut.onAnomaly((alert) => alerts.push(alert));
    return sut;
  };
  const anomalies = async (detector: string) =>
    (await metrics.anomalies.get()).values.find((v) => v.labels.detector === detector)?.value ?? 0;

  beforeEach(() => {
    clock = new FakeClock();
    metrics = new GatewayMetrics({ processMetrics: false });
    blocklist = new AnomalyBlocklist(clock);
    alerts = [];
  });

  it('counts a detection, tells the listeners and, without anomalyBlockSeconds, blocks nothing', async () => {
    const sut = build();
    for (let i = 0; i < 6; i += 1) sut.observe({ ip: '203.0.113.1', status: 404, path: `/v1/x/${i}` });
    expect(await anomalies('enumeration')).toBe(1);
    expect(alerts).toEqual([expect.objectContaining({ detector: 'enumeration', key: 'ip:203.0.113.1', blockedSeconds: 0 })]);
    expect(blocklist.isBlocked('ip:203.0.113.1')).toBe(false);
  });

  it('blocks the client IP after an authentication failure burst, then lets it through when the block expires', async () => {
    const sut = build({ anomalyBlockSeconds: 30 });
    for (let i = 0; i < 4; i += 1) sut.observe({ ip: '203.0.113.2', status: 401 });
    expect(await anomalies('auth_failures')).toBe(1);
    expect(blocklist.retryAfterSeconds('ip:203.0.113.2')).toBe(30);
    expect(blocklist.isBlocked('ip:203.0.113.3')).toBe(false);
    clock.advance(29_500);
    expect(blocklist.retryAfterSeconds('ip:203.0.113.2')).toBe(1);
    clock.advance(500);
    expect(blocklist.isBlocked('ip:203.0.113.2')).toBe(false);
  });

  it('blocks an authenticated client by principal, which the authentication guard refuses with 429', () => {
    const sut = build({ anomalyBlockSeconds: 60 });
    for (let i = 0; i < 6; i += 1)
      sut.observe({ ip: '10.0.0.1', subject: 'app-1', application: true, orgId: 'org-1', status: 404, path: `/p/${i}` });
    expect(blocklist.isBlocked(AnomalyBlocklist.principalKey('app-1'))).toBe(true);
    expect(blocklist.isBlocked(AnomalyBlocklist.ipKey('10.0.0.1'))).toBe(false);
    const refusal = (() => {
      try {
        blocklist.assertPrincipalAllowed('app-1');
      } catch (error) {
        return error as ClientBlockedException;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(ClientBlockedException);
    expect(refusal).toMatchObject({ status: 429, headers: { 'Retry-After': '60' } });
    expect(() => blocklist.assertPrincipalAllowed('app-2')).not.toThrow();
  });

  it('shapes the audit event of an alert without paths or secrets', () => {
    const sut = build({ anomalyBlockSeconds: 60 });
    for (let i = 0; i < 6; i += 1) {
      sut.observe({ ip: '10.0.0.2', subject: 'app-9', application: true, orgId: 'org-9', status: 404, path: `/v1/secret-path-${i}` });
    }
    const event = anomalyAuditEvent(alerts[0]);
    expect(event).toMatchObject({
      action: 'anomaly.enumeration',
      outcome: 'denied',
      actor: { type: 'application', id: 'app-9' },
      orgId: 'org-9',
      reason: 'enumeration',
      details: { key: 'principal:app-9', clientIp: '10.0.0.2', blockedSeconds: 60, distinctNotFoundPerMinute: 6 },
    });
    expect(JSON.stringify(event)).not.toContain('secret-path');
    expect(anomalyAuditEvent({ ...alerts[0], blockedSeconds: 0 }).outcome).toBe('failure');
  });

  it('keeps serving when a listener throws', () => {
    const sut = build();
    sut.onAnomaly(() => {
      throw new Error('listener bug');
    });
    expect(() => {
      for (let i = 0; i < 4; i += 1) sut.observe({ ip: '203.0.113.4', status: 401 });
    }).not.toThrow();
    expect(alerts).toHaveLength(1);
  });

  describe('webhook', () => {
    let server: Server;
    let received: { contentType: string; body: Record<string, unknown> }[];
    let url: string;
    beforeEach(async () => {
      received = [];
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          received.push({ contentType: String(request.headers['content-type']), body: JSON.parse(body) as Record<string, unknown> });
          response.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/anomaly`;
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('POSTs each alert as JSON without holding up the request that triggered it', async () => {
      const sut = build({ anomalyWebhookUrl: url });
      for (let i = 0; i < 4; i += 1) sut.observe({ ip: '203.0.113.5', status: 401 });
      expect(received).toHaveLength(0); // observe() returned before anything was sent
      for (let i = 0; i < 50 && received.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual([
        {
          contentType: 'application/json',
          body: expect.objectContaining({ detector: 'auth_failures', key: 'ip:203.0.113.5', at: new Date(clock.time).toISOString() }),
        },
      ]);
    });

    it('survives an unreachable receiver', async () => {
      const sut = build({ anomalyWebhookUrl: 'http://127.0.0.1:9/unreachable' });
      expect(() => {
        for (let i = 0; i < 4; i += 1) sut.observe({ ip: '203.0.113.6', status: 401 });
      }).not.toThrow();
      await new Promise((r) => setTimeout(r, 100));
      expect(await anomalies('auth_failures')).toBe(1);
    });
  });
});
