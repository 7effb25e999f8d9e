import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayMetrics } from './gateway-metrics';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options';

/**
 * The optional management port (observability.metricsPort > 0): a plain node:http server answering
 * GET /metrics without credentials, bound to observability.metricsHost (127.0.0.1 by default), so a
 * local Prometheus or sidecar can scrape without a token. Nothing else is served on it. Started when
 * the application boots, closed when it shuts down.
 */
@Injectable()
export class ManagementServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ManagementServer.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  /** The bound address while running (tests). */
  address(): AddressInfo | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { metricsPort, metricsHost } = this.options;
    if (metricsPort === 0) return;
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      this.metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': this.metrics.registry.contentType });
          response.end(request.method === 'HEAD' ? undefined : text);
        },
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
      );
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(metricsPort, metricsHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ event: 'metrics.management_port', host: metricsHost, port: metricsPort }, 'serving /metrics on the management port');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
