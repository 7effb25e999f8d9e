import { IsArray, IsBoolean, IsOptional, IsString, MinLength } from 'class-validator';
import { ToBoolean } from '@infergate/common';

/** The `registry` configuration slice: where model endpoints may point, where ONNX files live. */
export class RegistryOptions {
  @IsArray()
  @IsString({ each: true })
  upstreamAllowlist: string[] = [];

  @IsString()
  @MinLength(1)
  modelsDir: string = './models';

  /** Unset: the application decides (the gateway seeds in `embedded` only). */
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  seedDemoModel?: boolean;
}

/** Injection token of the validated RegistryOptions. */
export const REGISTRY_OPTIONS = Symbol('REGISTRY_OPTIONS');
