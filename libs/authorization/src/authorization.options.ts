import { IsBoolean, IsInt, IsOptional, IsString, Min, MinLength } from 'class-validator';
import { ToBoolean, ToNumber } from '@infergate/common';

/** The `authorization` configuration slice: where the policy set lives and whether it is watched. */
export class AuthorizationOptions {
  @IsString()
  @MinLength(1)
  policyDir: string = './policies';

  @ToBoolean()
  @IsBoolean()
  watchPolicies: boolean = true;
}

/** Injection token of the validated AuthorizationOptions. */
export const AUTHORIZATION_OPTIONS = Symbol('AUTHORIZATION_OPTIONS');

/** AuthorizationModule's options: the slice plus the size of the ability cache. */
export class AuthorizationModuleOptions extends AuthorizationOptions {
  /** Distinct principals whose abilities are kept (default 10 000). */
  @IsOptional()
  @ToNumber()
  @IsInt()
  @Min(1)
  maxEntries?: number;
}
