import type { FastifyRequest } from 'fastify';
import { InvalidAuthRequestException } from './authentication.errors';

export const API_KEY_PREFIX = 'ig_';

/** Tokens longer than this are refused before any parsing or cryptography. */
export const MAX_CREDENTIAL_LENGTH = 8192;

export type PresentedCredential = { kind: 'api-key'; value: string } | { kind: 'bearer'; value: string } | { kind: 'none' };

const QUERY_CREDENTIALS = /[?&](access_token|api_key|apikey|token|key)=/i;

/**
 * Finds the one credential a request presents (RFC 6750 §2.1 header, or X-API-Key). Credentials in
 * the URL, in two places at once, or under an unknown scheme are a 400 invalid_request.
 */
export function presentedCredential(request: FastifyRequest): PresentedCredential {
  if (QUERY_CREDENTIALS.test(request.url)) {
    throw new InvalidAuthRequestException('Credentials are not accepted in the URL; send them in the Authorization header.');
  }
  const authorization = request.headers.authorization;
  const apiKeyHeader = request.headers['x-api-key'];
  if (authorization !== undefined && apiKeyHeader !== undefined) {
    throw new InvalidAuthRequestException('Send exactly one credential: an Authorization header or an X-API-Key header.');
  }
  if (typeof apiKeyHeader === 'string') return { kind: 'api-key', value: apiKeyHeader.trim() };
  if (Array.isArray(apiKeyHeader)) throw new InvalidAuthRequestException('Send exactly one X-API-Key header.');
  if (authorization === undefined) return { kind: 'none' };

  const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
  if (!match) throw new InvalidAuthRequestException('The Authorization header must use the Bearer scheme.');
  const value = match[1];
  return value.startsWith(API_KEY_PREFIX) ? { kind: 'api-key', value } : { kind: 'bearer', value };
}
