import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { SecuredServiceModule } from './app.module';

/**
 * `node -r @swc-node/register examples/secured-service/main.ts`. Configured by its own variables:
 * REPORTS_DATABASE (the gateway's SQLite file), REPORTS_MASTER_KEY and REPORTS_ISSUER (the gateway's),
 * REPORTS_POLICY_DIR, REPORTS_PORT. A bad option stops it with one line naming the setting.
 */
async function main(): Promise<void> {
  const env = process.env;
  const app = await NestFactory.create<NestFastifyApplication>(
    SecuredServiceModule.register({
      database: { sqlitePath: env.REPORTS_DATABASE ?? './data/infergate.sqlite' },
      identity: { issuer: env.REPORTS_ISSUER ?? 'http://localhost:3000', masterKey: env.REPORTS_MASTER_KEY },
      authorization: { policyDir: env.REPORTS_POLICY_DIR ?? './policies' },
      throttling: { plansDir: join(__dirname, 'plans') },
      audit: { spoolDir: './data/reports-audit-spool' },
    }),
    new FastifyAdapter(),
    { abortOnError: false },
  );
  app.enableShutdownHooks();
  await app.listen({ host: '127.0.0.1', port: Number(env.REPORTS_PORT ?? 3100) });
}

main().catch((error: unknown) => {
  // Invalid options (ConfigurationError) list one line per setting; anything else gets its first line.
  const problems = (error as { problems?: unknown }).problems;
  const lines = Array.isArray(problems) ? problems.map(String) : [error instanceof Error ? error.message.split('\n')[0] : String(error)];
  for (const line of lines) process.stderr.write(`secured-service: failed to start: ${line}\n`);
  process.exit(1);
});
