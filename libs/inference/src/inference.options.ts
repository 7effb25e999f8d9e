import { IsBoolean, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { ToBoolean, ToNumber } from '@infergate/common';

/** The `inference` configuration slice: upstream deadlines, size caps, bulkhead, retries, breaker, idempotency. */
export class InferenceOptions {
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(60_000)
  connectTimeoutMs: number = 2_000;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(600_000)
  firstByteTimeoutMs: number = 30_000;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  totalTimeoutMs: number = 60_000;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(256 * 1024 * 1024)
  maxResponseBytes: number = 10 * 1024 * 1024;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxInFlightPerUpstream: number = 64;

  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(2)
  maxRetries: number = 2;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  breakerFailureThreshold: number = 5;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(600_000)
  breakerOpenMs: number = 10_000;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100)
  breakerHalfOpenProbes: number = 2;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(7 * 86400)
  idempotencyWindowSeconds: number = 86400;
}

/** InferenceModule's options: the slice plus where ONNX model files live and whether to seed the demo model. */
export class InferenceModuleOptions extends InferenceOptions {
  @IsString()
  @MinLength(1)
  modelsDir: string = './models';

  @ToBoolean()
  @IsBoolean()
  seedDemoModel: boolean = false;
}

/** Injection token of the validated InferenceModuleOptions. */
export const INFERENCE_OPTIONS = Symbol('INFERENCE_OPTIONS');
