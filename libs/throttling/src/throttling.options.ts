import { IsBoolean, IsIn, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { ToBoolean, ToNumber } from '@infergate/common';

export const RATE_LIMIT_FAIL_MODES = ['fail-closed', 'fail-open'] as const;
export type RateLimitFailMode = (typeof RATE_LIMIT_FAIL_MODES)[number];

/** The `throttling` configuration slice: plans, Redis failure behaviour, the pre-auth flood limiter. */
export class ThrottlingOptions {
  @IsString()
  @MinLength(1)
  plansDir: string = './plans';

  @IsIn(RATE_LIMIT_FAIL_MODES)
  failMode: RateLimitFailMode = 'fail-closed';

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  expectedReplicas: number = 1;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  leaseMs: number = 120_000;

  @ToNumber()
  @IsInt()
  @Min(1)
  preAuthRatePerSecond: number = 100;

  @ToNumber()
  @IsInt()
  @Min(1)
  preAuthBurst: number = 200;
}

/** ThrottlingModule's options: the slice plus whether the plan files are watched (the gateway follows POLICY_WATCH). */
export class ThrottlingModuleOptions extends ThrottlingOptions {
  @ToBoolean()
  @IsBoolean()
  watchPlans: boolean = true;
}

/** Injection token of the validated ThrottlingModuleOptions. */
export const THROTTLING_OPTIONS = Symbol('THROTTLING_OPTIONS');
