import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { AuditOptions } from '@infergate/audit';
import { AuthorizationOptions } from '@infergate/authorization';
import { LogOptions, ToBoolean, ToNumber } from '@infergate/common';
import { DatabaseConnectionOptions, RedisOptions } from '@infergate/database';
import { ShutdownOptions } from '@infergate/health';
import { BootstrapOptions, IdentityOptions } from '@infergate/identity';
import { InferenceOptions } from '@infergate/inference';
import { RegistryOptions } from '@infergate/model-registry';
import { ObservabilityOptions } from '@infergate/observability';
import { ThrottlingOptions } from '@infergate/throttling';
import { ValidationSettings } from '@infergate/validation';

/** Data sensitivity is not config; profiles are. `embedded` needs no other process, `production` does. */
export const PROFILES = ['embedded', 'production'] as const;
export type Profile = (typeof PROFILES)[number];

/** `server.tls`: HTTPS, optionally with client certificates (mutual TLS). */
export class TlsOptions {
  @IsOptional()
  @IsString()
  @MinLength(1)
  certFile?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  keyFile?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  clientCaFile?: string;

  @ToBoolean()
  @IsBoolean()
  offloaded: boolean = false;
}

/** The `server` slice: the gateway's HTTP listener (owned by the app, not by a library). */
export class ServerOptions {
  @IsString()
  @MinLength(1)
  host: string = '0.0.0.0';

  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  port: number = 3000;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(64 * 1024 * 1024)
  bodyLimitBytes: number = 1024 * 1024;

  @IsArray()
  @IsString({ each: true })
  trustedProxyCidrs: string[] = [];

  @ValidateNested()
  @Type(() => TlsOptions)
  tls: TlsOptions = new TlsOptions();
}

/**
 * The gateway's configuration after defaults are applied: one slice per owner, each validated by
 * its own class (the libraries' options classes, the app's server settings). Every setting has one
 * place in the YAML file (the object path) and one environment variable; see CONFIG_SETTINGS.
 */
export class InfergateConfig {
  @IsIn(PROFILES)
  profile: Profile = 'embedded';

  @ValidateNested()
  @Type(() => ServerOptions)
  server: ServerOptions = new ServerOptions();

  @ValidateNested()
  @Type(() => DatabaseConnectionOptions)
  database: DatabaseConnectionOptions = new DatabaseConnectionOptions();

  @ValidateNested()
  @Type(() => RedisOptions)
  redis: RedisOptions = new RedisOptions();

  @ValidateNested()
  @Type(() => ShutdownOptions)
  shutdown: ShutdownOptions = new ShutdownOptions();

  @ValidateNested()
  @Type(() => LogOptions)
  log: LogOptions = new LogOptions();

  @ValidateNested()
  @Type(() => IdentityOptions)
  identity: IdentityOptions = new IdentityOptions();

  @ValidateNested()
  @Type(() => AuthorizationOptions)
  authorization: AuthorizationOptions = new AuthorizationOptions();

  @ValidateNested()
  @Type(() => ThrottlingOptions)
  throttling: ThrottlingOptions = new ThrottlingOptions();

  @ValidateNested()
  @Type(() => RegistryOptions)
  registry: RegistryOptions = new RegistryOptions();

  @ValidateNested()
  @Type(() => ValidationSettings)
  validation: ValidationSettings = new ValidationSettings();

  @ValidateNested()
  @Type(() => InferenceOptions)
  inference: InferenceOptions = new InferenceOptions();

  @ValidateNested()
  @Type(() => AuditOptions)
  audit: AuditOptions = new AuditOptions();

  @ValidateNested()
  @Type(() => ObservabilityOptions)
  observability: ObservabilityOptions = new ObservabilityOptions();

  @ValidateNested()
  @Type(() => BootstrapOptions)
  bootstrap: BootstrapOptions = new BootstrapOptions();
}
