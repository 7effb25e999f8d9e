import { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions, TLSSocket } from 'node:tls';
import {
  GATEWAY_LOGGERS,
  GatewayLoggers,
  installCheapAsyncResourceBind,
  PinoNestLogger,
  registerAccessLog,
  registerHttpHooks,
  requestIdFor,
} from '@infergate/common';
import { DrainService } from '@infergate/health';
import { registerPreAuthLimiter } from '@infergate/throttling';
import { AppModule } from './app.module';
import type { InfergateConfig } from './config';

export interface GatewayOptions {
  /** Additional modules, for tests that need a route of their own. */
  imports?: ModuleMetadata['imports'];
}

/** Builds the gateway application (not yet listening) from a validated configuration. */
export async function createGateway(config: InfergateConfig, options: GatewayOptions = {}): Promise<NestFastifyApplication> {
  // Nest binds an AsyncResource per interceptor per request; Node 20's bind costs ~10 µs (docs/adr/0009).
  installCheapAsyncResourceBind();
  const { server } = config;
  const https = httpsOptions(config);
  const adapter = new FastifyAdapter({
    ...(https ? { https } : {}),
    // request.ip honours X-Forwarded-For only from these proxies (the mTLS reader uses the socket address).
    ...(server.trustedProxyCidrs.length > 0 ? { trustProxy: [...server.trustedProxyCidrs] } : {}),
    bodyLimit: server.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    logger: false,
    return503OnClosing: true,
  });
  // The only body parsers (hence bodyParser: false below): UTF-8 JSON with depth, key and number checks; forms on /oauth/.
  registerHttpHooks(adapter.getInstance(), { bodyLimitBytes: server.bodyLimitBytes, maxJsonDepth: config.validation.maxJsonDepth });
  // Per client IP, before any credential is parsed: floods of bad credentials cannot burn CPU on crypto.
  registerPreAuthLimiter(adapter.getInstance(), {
    ratePerSecond: config.throttling.preAuthRatePerSecond,
    burst: config.throttling.preAuthBurst,
  });
  if (https?.requestCert) {
    // A connection's client certificate is read once and cached per socket; renegotiation could change it.
    adapter.getInstance().server.on('secureConnection', (socket: TLSSocket) => socket.disableRenegotiation());
  }

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, options.imports), adapter, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoNestLogger));
  registerAccessLog(adapter.getInstance(), app.get<GatewayLoggers>(GATEWAY_LOGGERS).access);
  app.get(DrainService).trackRequests(adapter.getInstance());

  // The OpenAPI document is built on the first request that needs it (GET /docs-json, /docs-yaml or
  // the UI's /docs/swagger-ui-init.js), then kept: building it walks every controller and DTO, which
  // costs start-up time and a few MB of resident memory in every replica, for a page most never
  // serve. Visible effect: that first request takes longer (tens of ms) than the following ones.
  const buildDocument = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('infergate')
        .setDescription('Secure API gateway for machine-learning inference')
        .addBearerAuth()
        .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
        .build(),
    );
  SwaggerModule.setup('docs', app, buildDocument, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return app;
}

/**
 * HTTPS when a certificate and key are configured. With a client CA bundle the gateway asks every
 * client for a certificate and verifies it against the bundle, but completes the handshake without
 * one or with one that does not verify: such a request is treated as having no certificate, and its
 * other credential (or the lack of one) decides. The mTLS reader only trusts `socket.authorized`.
 */
function httpsOptions(config: InfergateConfig): (SecureContextOptions & TlsOptions) | null {
  const { certFile, keyFile, clientCaFile } = config.server.tls;
  if (!certFile || !keyFile) return null;
  const server = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  return clientCaFile ? { ...server, ca: readFileSync(clientCaFile), requestCert: true, rejectUnauthorized: false } : server;
}
