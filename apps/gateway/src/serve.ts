import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DrainService } from '@infergate/health';
import type { InfergateConfig } from './config';
import { createGateway, GatewayOptions } from './gateway';

/**
 * Starts listening and installs the signal handlers: SIGTERM or SIGINT drain the gateway and exit
 * 0 when every in-flight request finished, 1 when the grace period cut some off.
 */
export async function serve(config: InfergateConfig, options: GatewayOptions = {}): Promise<NestFastifyApplication> {
  const app = await createGateway(config, options);
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const scheme = config.server.tls.certFile ? 'https' : 'http';
  new Logger('Gateway').log(
    { event: 'gateway.listening', port, profile: config.profile },
    `listening on ${scheme}://${config.server.host}:${port}`,
  );

  const drain = app.get(DrainService);
  const onSignal = (signal: NodeJS.Signals): void => {
    drain.drainAndClose(app, signal).then(
      (finished) => process.exit(finished ? 0 : 1),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return app;
}
