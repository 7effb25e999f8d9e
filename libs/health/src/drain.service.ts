import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { SHUTDOWN_OPTIONS, type ShutdownOptions } from './shutdown.options';

/** Something that can be closed, i.e. the Nest application. */
export interface Closable {
  close(): Promise<void>;
}

const IN_FLIGHT_POLL_MS = 25;

/**
 * Graceful shutdown. On SIGTERM readiness turns 503 at once while the listener stays open, so the load
 * balancer sees the change and requests already in flight finish; after the grace period, or as soon
 * as nothing is in flight, the application closes and the process exits.
 */
@Injectable()
export class DrainService {
  private readonly logger = new Logger(DrainService.name);
  private inFlight = 0;
  private drainingSince?: number;

  constructor(@Inject(SHUTDOWN_OPTIONS) private readonly options: ShutdownOptions) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  get inFlightRequests(): number {
    return this.inFlight;
  }

  /** Counts requests in flight and asks keep-alive clients to reconnect elsewhere while draining. */
  trackRequests(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      this.inFlight += 1;
      reply.raw.once('close', () => {
        this.inFlight -= 1;
      });
      done();
    });
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (this.draining) void reply.header('connection', 'close');
      done(null, payload);
    });
  }

  /**
   * Turns readiness down, waits for the drain delay and for in-flight requests (at most the grace
   * period), then closes the application. Resolves true when every request finished in time.
   */
  async drainAndClose(app: Closable, signal: string): Promise<boolean> {
    if (this.draining) return false;
    this.drainingSince = Date.now();
    const { drainDelayMs, graceMs } = this.options;
    this.logger.log({ event: 'shutdown.draining', signal, inFlight: this.inFlight, drainDelayMs, graceMs }, 'draining');

    const deadline = this.drainingSince + graceMs;
    await sleep(Math.min(drainDelayMs, graceMs));
    // The request that reports readiness during the drain is itself in flight; it ends quickly.
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(IN_FLIGHT_POLL_MS);
    const finished = this.inFlight === 0;
    if (!finished) this.logger.warn({ event: 'shutdown.grace_expired', inFlight: this.inFlight }, 'grace period over; closing anyway');
    await app.close();
    this.logger.log({ event: 'shutdown.closed', tookMs: Date.now() - this.drainingSince }, 'closed');
    return finished;
  }
}
