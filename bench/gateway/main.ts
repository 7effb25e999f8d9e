/**
 * The gateway as the benchmark runs it: the shipped AppModule and configuration (from the
 * environment, as apps/gateway/src/main.ts reads it) plus the bench-only pass-through route.
 *
 *   BENCH_UPSTREAM_URL=http://127.0.0.1:<port> node bench/gateway/main.js   (compiled by the harness)
 *
 * With BENCH_CPU_PROFILE_DIR set, SIGUSR2 starts V8's CPU profiler and the next SIGUSR2 writes the
 * profile there: the harness profiles the load phase only, not start-up and setup.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@infergate/audit';
// Not part of the library's public surface: only this bench entry reaches for it.
import { ObservabilityHooks } from '../../libs/observability/src/http/observability-hooks';
import { loadConfig } from '../../apps/gateway/src/config';
import { serve } from '../../apps/gateway/src/serve';
import { PassthroughModule } from './passthrough.module';

function profileOnSignal(dir: string): void {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `gateway-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      process.stdout.write(`bench: cpu profile ${error ? `failed: ${error.message}` : 'written'}\n`);
    });
  });
}

if (process.env.BENCH_CPU_PROFILE_DIR) profileOnSignal(process.env.BENCH_CPU_PROFILE_DIR);

/**
 * Target 8 prices observability: with BENCH_OBSERVABILITY=off the audit trail records nothing and the
 * HTTP metrics / anomaly hooks are never registered. Bench-only: the shipped gateway has no such
 * switch (an unaudited gateway is not a configuration we offer).
 */
function switchObservabilityOff(app: INestApplication): void {
  const audit = app.get(AuditService);
  audit.enqueue = () => randomUUID();
  audit.record = () => Promise.resolve(randomUUID());
}
if (process.env.BENCH_OBSERVABILITY === 'off') ObservabilityHooks.prototype.onModuleInit = () => undefined;

serve(loadConfig(process.env), { imports: [PassthroughModule] })
  .then((app) => {
    if (process.env.BENCH_OBSERVABILITY === 'off') switchObservabilityOff(app);
  })
  .catch((error: unknown) => {
    process.stderr.write(`bench gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
