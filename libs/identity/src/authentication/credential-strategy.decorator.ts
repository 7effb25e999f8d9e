import { DiscoveryService } from '@nestjs/core';

/**
 * The credentials the gateway knows without help: `bearer` (any `Authorization: Bearer` token that is
 * not an API key), `api-key` (`X-API-Key`, or `Bearer ig_…`) and `client-certificate` (no header
 * credential, a verified client certificate on the connection).
 */
export type BuiltInCredential = 'bearer' | 'api-key' | 'client-certificate';

/**
 * Where a team's strategy finds its credential. Declared, not computed, so that the guard can refuse a
 * credential sent twice or in two places for every strategy alike, before any strategy runs:
 * - `header`: a header of its own, e.g. `x-internal-ticket` (compared case-insensitively);
 * - `bearerPrefix`: `Authorization: Bearer <prefix>…`, e.g. `ldap:` (the value handed over keeps the prefix);
 * - `scheme`: `Authorization: <scheme> <token>`, e.g. `Ticket` (compared case-insensitively).
 */
export type CredentialLocation = { header: string } | { bearerPrefix: string } | { scheme: string };

export interface AuthenticationStrategyOptions {
  /** The passport name the class gives to PassportStrategy(Strategy, name); also the metric label of its failures. */
  name: string;
  /** The credential the strategy claims. */
  credential: BuiltInCredential | CredentialLocation;
}

/**
 * Registers a PassportStrategy subclass with the AuthenticationGuard: add the decorated class to any
 * module's providers and the guard sends it every request that presents the credential it claims.
 *
 * ```ts
 * @AuthenticationStrategy({ name: 'internal-ticket', credential: { header: 'x-internal-ticket' } })
 * export class InternalTicketStrategy extends PassportStrategy(Strategy, 'internal-ticket') { … }
 * ```
 */
export const AuthenticationStrategy = DiscoveryService.createDecorator<AuthenticationStrategyOptions>();
