import { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { Logger } from 'nestjs-pino';
import { InfergateConfig, registerHttpHooks, requestIdFor } from '@infergate/common';
import { DrainService } from '@infergate/health';
import { AppModule } from './app.module';

export interface GatewayOptions {
  /** Additional modules, for tests that need a route of their own. */
  imports?: ModuleMetadata['imports'];
}

/** Builds the gateway application (not yet listening) from a validated configuration. */
export async function createGateway(config: InfergateConfig, options: GatewayOptions = {}): Promise<NestFastifyApplication> {
  const { server } = config;
  const https =
    server.tls.certFile && server.tls.keyFile ? { cert: readFileSync(server.tls.certFile), key: readFileSync(server.tls.keyFile) } : null;
  const adapter = new FastifyAdapter({
    ...(https ? { https } : {}),
    bodyLimit: server.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    logger: false,
    return503OnClosing: true,
  });
  registerHttpHooks(adapter.getInstance(), { bodyLimitBytes: server.bodyLimitBytes });

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, options.imports), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.get(DrainService).trackRequests(adapter.getInstance());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('infergate').setDescription('Secure API gateway for machine-learning inference').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return app;
}
