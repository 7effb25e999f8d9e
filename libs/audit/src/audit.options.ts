import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { ToNumber } from '@infergate/common';

/** The `audit` configuration slice: the durable spool, batching and retention. */
export class AuditOptions {
  @IsString()
  @MinLength(1)
  spoolDir: string = './data/audit-spool';

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  batchSize: number = 200;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(60_000)
  flushIntervalMs: number = 200;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(36_500)
  retentionDays: number = 365;
}

/** Injection token of the validated AuditOptions. */
export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');
