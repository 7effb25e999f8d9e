import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../config/config.module';
import { InfergateConfig } from '../config/config.schema';
import { createGatewayLoggers, type GatewayLoggers } from './loggers';
import { PinoNestLogger } from './nest-logger';

/** The gateway's loggers (see loggers.ts); the access logger is registered on Fastify by the gateway. */
export const GATEWAY_LOGGERS = Symbol('GATEWAY_LOGGERS');

/** Structured JSON logs (pino): request id, trace id, principal and org on request lines; credentials redacted. */
@Global()
@Module({
  providers: [
    {
      provide: GATEWAY_LOGGERS,
      inject: [APP_CONFIG],
      useFactory: (config: InfergateConfig): GatewayLoggers => createGatewayLoggers(config.log.level),
    },
    { provide: PinoNestLogger, inject: [GATEWAY_LOGGERS], useFactory: (loggers: GatewayLoggers) => new PinoNestLogger(loggers.app) },
  ],
  exports: [GATEWAY_LOGGERS, PinoNestLogger],
})
export class LoggingModule implements OnApplicationShutdown {
  constructor(@Inject(GATEWAY_LOGGERS) private readonly loggers: GatewayLoggers) {}

  /** Lines still queued for stdout go out before the process ends. */
  onApplicationShutdown(): void {
    flush(this.loggers.app);
  }
}

function flush(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // A closed stdout: nothing left to write to.
  }
}
