import { IsIn } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The `log` configuration slice. */
export class LogOptions {
  @IsIn(LOG_LEVELS)
  level: LogLevel = 'info';
}
