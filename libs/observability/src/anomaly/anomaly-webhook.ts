import { Logger } from '@nestjs/common';
import { request } from 'undici';
import type { AnomalyAlert } from './anomaly.service';

const TIMEOUT_MS = 2_000;
/** Alerts beyond this many in flight are dropped (and logged): a slow receiver never piles up work. */
const MAX_IN_FLIGHT = 16;

/**
 * POSTs anomaly alerts as JSON to `observability.anomalyWebhookUrl`: fire-and-forget, short timeouts,
 * never on the request path. The URL is never logged (it may carry a token).
 */
export class AnomalyWebhook {
  private readonly logger = new Logger(AnomalyWebhook.name);
  private inFlight = 0;

  constructor(private readonly url: string) {}

  send(alert: AnomalyAlert): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.logger.warn({ event: 'anomaly.webhook_dropped', detector: alert.detector }, 'anomaly webhook busy: alert dropped');
      return;
    }
    this.inFlight += 1;
    this.post(alert)
      .catch((error: unknown) => {
        this.logger.warn(
          { event: 'anomaly.webhook_failed', detector: alert.detector, error: error instanceof Error ? error.name : 'unknown' },
          'anomaly webhook failed',
        );
      })
      .finally(() => {
        this.inFlight -= 1;
      });
  }

  private async post(alert: AnomalyAlert): Promise<void> {
    const response = await request(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...alert, at: new Date(alert.at).toISOString() }),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    await response.body.dump();
    if (response.statusCode >= 300) throw new Error(`status ${response.statusCode}`);
  }
}
