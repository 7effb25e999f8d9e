import type { LoggerService } from '@nestjs/common';
import type { Logger, LevelWithSilent } from 'pino';

type Level = Exclude<LevelWithSilent, 'silent'>;

/**
 * Nest's LoggerService over pino, so `new Logger(Context.name).warn({ event, err }, 'message')` in any
 * module writes one JSON line with `component: Context`. Objects are merged into the line, an Error
 * becomes `err`, and Nest's own exception handlers' `(message, stack, context)` calls keep their stack.
 * No per-request child logger and no AsyncLocalStorage: lines written during a request name it by the
 * ids they carry (requestId in the object); the access line joins them to the caller.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: Level, message: unknown, optionalParams: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    // Nest's Logger passes its context as the last parameter.
    let params = optionalParams;
    if (params.length > 0) {
      fields.component = params[params.length - 1];
      params = params.slice(0, -1).filter((param) => param !== undefined);
    }
    if (message instanceof Error) {
      fields.err = message;
      this.logger[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
      this.logger[level](fields, ...(params.map(String) as [string]));
    } else if (level === 'error' && typeof message === 'string' && params.length === 1 && isStack(params[0])) {
      // Nest's ExceptionsHandler and ExceptionHandler call error(message, stack, context).
      const err = new Error(message);
      err.stack = params[0];
      fields.err = err;
      this.logger.error(fields, message);
    } else {
      this.logger[level](fields, String(message), ...params);
    }
  }
}

function isStack(value: unknown): value is string {
  return typeof value === 'string' && /\n\s+at /.test(value);
}
