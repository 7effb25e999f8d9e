import { IsInt, IsNumber, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { IsAbsoluteUrl, ToNumber } from '@infergate/common';

/** The `observability` configuration slice: the management port, tracing, anomaly detection. */
export class ObservabilityOptions {
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  metricsPort: number = 0;

  @IsString()
  @MinLength(1)
  metricsHost: string = '127.0.0.1';

  @IsOptional()
  @IsAbsoluteUrl()
  otlpEndpoint?: string;

  @IsString()
  @MinLength(1)
  serviceName: string = 'infergate';

  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(86400)
  anomalyBlockSeconds: number = 0;

  @IsOptional()
  @IsAbsoluteUrl()
  anomalyWebhookUrl?: string;

  @ToNumber()
  @IsNumber()
  @Min(1.5)
  @Max(1000)
  anomalySpikeFactor: number = 5;

  @ToNumber()
  @IsInt()
  @Min(1)
  anomalyAuthFailuresPerMinute: number = 30;

  @ToNumber()
  @IsInt()
  @Min(1)
  anomalyDistinctNotFoundPerMinute: number = 50;
}

/** Injection token of the validated ObservabilityOptions. */
export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
