import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@infergate/common';
import { SecuredServiceModule } from './app.module';

/**
 * `node -r @swc-node/register examples/secured-service/main.ts`, configured by the gateway's environment
 * variables (database, master key, issuer, POLICY_DIR).
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await NestFactory.create<NestFastifyApplication>(SecuredServiceModule.register(config), new FastifyAdapter());
  app.enableShutdownHooks();
  await app.listen({ host: config.server.host, port: config.server.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`secured-service: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
