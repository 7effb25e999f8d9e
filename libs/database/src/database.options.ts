import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { ToBoolean, ToNumber } from '@infergate/common';

/** The `database` configuration slice: PostgreSQL when `url` is set, the SQLite file otherwise. */
export class DatabaseConnectionOptions {
  /** `postgres://` URL; may carry credentials, so it is never logged. */
  @IsOptional()
  @IsString()
  url?: string;

  @IsString()
  @MinLength(1)
  sqlitePath: string = './data/infergate.sqlite';

  @ToNumber()
  @IsInt()
  @Min(1)
  connectTimeoutMs: number = 5000;

  @ToNumber()
  @IsInt()
  @Min(2)
  @Max(200)
  poolSize: number = 10;
}

/** The `redis` configuration slice: the shared client (none without a URL) and the prefix of every key. */
export class RedisOptions {
  @IsOptional()
  @IsString()
  url?: string;

  @IsString()
  keyPrefix: string = 'ig:';
}

/** DatabaseModule's options: both slices, and whether to connect while the application starts. */
export class DatabaseModuleOptions {
  @ValidateNested()
  @Type(() => DatabaseConnectionOptions)
  database: DatabaseConnectionOptions = new DatabaseConnectionOptions();

  @ValidateNested()
  @Type(() => RedisOptions)
  redis: RedisOptions = new RedisOptions();

  /** Starts connecting (in the background) at application start; the CLI connects on demand instead. */
  @ToBoolean()
  @IsBoolean()
  connectOnStart: boolean = true;
}

/** Injection token of the validated DatabaseModuleOptions. */
export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');
