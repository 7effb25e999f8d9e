import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { type OptionsInput } from '../config/lib-module';
import { validateOptions } from '../config/options-validation';
import { LogOptions } from './log.options';
import { createGatewayLoggers, type GatewayLoggers } from './loggers';
import { PinoNestLogger } from './nest-logger';

/** The gateway's loggers (see loggers.ts); the access logger is registered on Fastify by the gateway. */
export const GATEWAY_LOGGERS = Symbol('GATEWAY_LOGGERS');

/** Structured JSON logs (pino): request id, trace id, principal and org on request lines; credentials redacted. */
@Global()
@Module({})
export class LoggingModule implements OnApplicationShutdown {
  constructor(@Inject(GATEWAY_LOGGERS) private readonly loggers: GatewayLoggers) {}

  /** Global: every module logs. Usage: `LoggingModule.forRoot({ level: 'info' })`. */
  static forRoot(options: OptionsInput<LogOptions> = {}): DynamicModule {
    const { level } = validateOptions(LogOptions, options, 'log');
    return {
      module: LoggingModule,
      providers: [
        { provide: GATEWAY_LOGGERS, useFactory: (): GatewayLoggers => createGatewayLoggers(level) },
        { provide: PinoNestLogger, inject: [GATEWAY_LOGGERS], useFactory: (loggers: GatewayLoggers) => new PinoNestLogger(loggers.app) },
      ],
      exports: [GATEWAY_LOGGERS, PinoNestLogger],
    };
  }

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
