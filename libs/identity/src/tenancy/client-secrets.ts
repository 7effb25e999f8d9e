import { randomBytes } from 'node:crypto';
import type { MasterKey } from '../crypto/master-key';
import type { ApplicationEntity } from './application.entity';

/** A new client secret: 256 random bits, base64url; shown to the caller once, stored only as a keyed hash. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A new public client id. */
export function generateClientId(): string {
  return `app_${randomBytes(12).toString('base64url')}`;
}

/**
 * True when `secret` is the application's current secret, or its previous one within the rotation
 * overlap. Both comparisons always run, in constant time, so timing does not tell which matched.
 */
export function clientSecretMatches(
  app: Pick<ApplicationEntity, 'secretHash' | 'previousSecretHash' | 'previousSecretExpiresAt'>,
  secret: string,
  masterKey: MasterKey,
  now = new Date(),
): boolean {
  const current = masterKey.verify('client-secret', secret, app.secretHash);
  const previousValid = app.previousSecretExpiresAt !== null && app.previousSecretExpiresAt > now;
  const previous = masterKey.verify('client-secret', secret, app.previousSecretHash);
  return current || (previousValid && previous);
}
