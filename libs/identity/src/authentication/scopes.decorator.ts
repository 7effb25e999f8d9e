import { SetMetadata } from '@nestjs/common';
import type { Scope } from '@infergate/contracts';

export const REQUIRED_SCOPES_KEY = 'infergate:required-scopes';

/** The token scopes a route needs; missing ones answer 403 insufficient_scope (RFC 6750). */
export const RequireScopes = (...scopes: Scope[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPES_KEY, scopes);
