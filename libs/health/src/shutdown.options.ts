import { IsInt, Min } from 'class-validator';
import { ToNumber } from '@infergate/common';

/** The `shutdown` configuration slice: how readiness drains after SIGTERM. */
export class ShutdownOptions {
  @ToNumber()
  @IsInt()
  @Min(0)
  drainDelayMs: number = 0;

  @ToNumber()
  @IsInt()
  @Min(1)
  graceMs: number = 25_000;
}

/** Injection token of the validated ShutdownOptions. */
export const SHUTDOWN_OPTIONS = Symbol('SHUTDOWN_OPTIONS');
