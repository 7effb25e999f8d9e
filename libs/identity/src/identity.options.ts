import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsAbsoluteUrl, ToNumber } from '@infergate/common';

export const SIGNING_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;

/** The `identity` configuration slice: tokens, keys, failed-authentication limits. */
export class IdentityOptions {
  @IsAbsoluteUrl()
  issuer: string = 'http://localhost:3000';

  @IsString()
  @MinLength(1)
  audience: string = 'infergate';

  @ToNumber()
  @IsInt()
  @Min(30)
  @Max(3600)
  accessTokenTtlSeconds: number = 600;

  @IsIn(SIGNING_ALGORITHMS)
  signingAlgorithm: (typeof SIGNING_ALGORITHMS)[number] = 'ES256';

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(365)
  signingKeyRotationDays: number = 30;

  /** Base64 of 32 bytes; without it the key is kept in `masterKeyFile`. Never logged. */
  @IsOptional()
  @IsString()
  masterKey?: string;

  @IsString()
  @MinLength(1)
  masterKeyFile: string = './data/master.key';

  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(30 * 86400)
  secretRotationOverlapSeconds: number = 86400;

  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(60)
  clockSkewSeconds: number = 30;

  @ToNumber()
  @IsInt()
  @Min(1)
  failedAuthSlowAfter: number = 5;

  @ToNumber()
  @IsInt()
  @Min(1)
  failedAuthBlockAfter: number = 20;

  @ToNumber()
  @IsInt()
  @Min(1)
  failedAuthWindowSeconds: number = 300;

  @ToNumber()
  @IsInt()
  @Min(1)
  failedAuthBlockSeconds: number = 900;
}

/** The `bootstrap` configuration slice: the first platform-admin application. */
export class BootstrapOptions {
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(64)
  adminClientId?: string;

  /** Never logged; generated and printed once when unset. */
  @IsOptional()
  @IsString()
  adminClientSecret?: string;
}

/** Where client certificates come from: the TLS connection (with this CA) or a trusted proxy's header. */
export class MtlsOptions {
  @IsOptional()
  @IsString()
  @MinLength(1)
  clientCaFile?: string;

  /** Proxies whose client-certificate header (RFC 9440) is believed. */
  @IsArray()
  @IsString({ each: true })
  trustedProxyCidrs: string[] = [];
}

/**
 * IdentityModule's options: the `identity` slice plus what identity needs from elsewhere in an
 * application's configuration (the bootstrap admin, the mTLS trust settings of the HTTP server).
 */
export class IdentityModuleOptions extends IdentityOptions {
  @ValidateNested()
  @Type(() => BootstrapOptions)
  bootstrap: BootstrapOptions = new BootstrapOptions();

  @ValidateNested()
  @Type(() => MtlsOptions)
  mtls: MtlsOptions = new MtlsOptions();
}

/** Injection token of the validated IdentityModuleOptions. */
export const IDENTITY_OPTIONS = Symbol('IDENTITY_OPTIONS');
