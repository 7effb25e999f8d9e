import type { FastifyRequest } from 'fastify';
import { InvalidAuthRequestException } from './authentication.errors';

export const API_KEY_PREFIX = 'ig_';

/** Tokens longer than this are refused before any parsing or cryptography. */
export const MAX_CREDENTIAL_LENGTH = 8192;

export type PresentedCredential =
  | { kind: 'api-key'; value: string }
  | { kind: 'bearer'; value: string }
  | { kind: 'none' }
  /** A credential a registered strategy claims (see AuthenticationStrategy): `strategy` is its name. */
  | { kind: 'custom'; strategy: string; value: string };

/**
 * Where registered strategies' credentials are, compiled once at start (CredentialStrategyRegistry).
 * Header names and schemes are lower case.
 */
export interface CustomCredentialLocations {
  readonly headers: ReadonlyArray<{ readonly header: string; readonly strategy: string }>;
  readonly bearerPrefixes: ReadonlyArray<{ readonly prefix: string; readonly strategy: string }>;
  readonly schemes: ReadonlyMap<string, string>;
}

export const NO_CUSTOM_CREDENTIALS: CustomCredentialLocations = { headers: [], bearerPrefixes: [], schemes: new Map() };

const QUERY_CREDENTIALS = /[?&](access_token|api_key|apikey|token|key)=/i;
const BEARER = /^Bearer +([^\s]+) *$/i;
/** RFC 9110 §11.4 credentials in the token68 form: `<scheme> <token>`. */
const ANY_SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) +([^\s]+) *$/;
const ONE_CREDENTIAL = 'Send exactly one credential: an Authorization header or an X-API-Key header.';

/**
 * Finds the one credential a request presents (RFC 6750 §2.1 header, X-API-Key, or a place a
 * registered strategy claims). Credentials in the URL, sent twice, in two places at once, or under an
 * unknown scheme are a 400 invalid_request. A cheap look: no token is parsed here.
 */
export function presentedCredential(
  request: FastifyRequest,
  custom: CustomCredentialLocations = NO_CUSTOM_CREDENTIALS,
): PresentedCredential {
  if (QUERY_CREDENTIALS.test(request.url)) {
    throw new InvalidAuthRequestException('Credentials are not accepted in the URL; send them in the Authorization header.');
  }
  const headers = request.headers;
  const authorization = headers.authorization;
  const apiKeyHeader = headers['x-api-key'];
  let customHeader: PresentedCredential | undefined;
  for (const { header, strategy } of custom.headers) {
    const value = headers[header];
    if (value === undefined) continue;
    if (customHeader || authorization !== undefined || apiKeyHeader !== undefined) throw new InvalidAuthRequestException(ONE_CREDENTIAL);
    if (typeof value !== 'string') throw new InvalidAuthRequestException(`Send exactly one ${header} header.`);
    customHeader = { kind: 'custom', strategy, value: value.trim() };
  }
  if (authorization !== undefined || apiKeyHeader !== undefined || customHeader) assertOneCredentialHeader(request, custom);
  if (customHeader) return customHeader;
  if (authorization !== undefined && apiKeyHeader !== undefined) throw new InvalidAuthRequestException(ONE_CREDENTIAL);
  if (typeof apiKeyHeader === 'string') return { kind: 'api-key', value: apiKeyHeader.trim() };
  if (Array.isArray(apiKeyHeader)) throw new InvalidAuthRequestException('Send exactly one X-API-Key header.');
  if (authorization === undefined) return { kind: 'none' };

  const match = BEARER.exec(authorization);
  if (!match) return otherScheme(authorization, custom);
  const value = match[1];
  for (const { prefix, strategy } of custom.bearerPrefixes) {
    if (value.startsWith(prefix)) return { kind: 'custom', strategy, value };
  }
  return value.startsWith(API_KEY_PREFIX) ? { kind: 'api-key', value } : { kind: 'bearer', value };
}

function otherScheme(authorization: string, custom: CustomCredentialLocations): PresentedCredential {
  const match = custom.schemes.size > 0 ? ANY_SCHEME.exec(authorization) : null;
  const strategy = match ? custom.schemes.get(match[1].toLowerCase()) : undefined;
  if (!match || !strategy) throw new InvalidAuthRequestException('The Authorization header must use the Bearer scheme.');
  return { kind: 'custom', strategy, value: match[2] };
}

/**
 * Node's HTTP parser keeps only the first of two `Authorization` headers and joins two `X-API-Key`
 * headers with ", ", so `request.headers` cannot tell a doubled credential from a single one: the raw
 * header list can. One pass over it, only for a request that presents a header credential at all.
 */
function assertOneCredentialHeader(request: FastifyRequest, custom: CustomCredentialLocations): void {
  const raw = (request as { raw?: { rawHeaders?: string[] } }).raw?.rawHeaders;
  if (!raw) return;
  let first: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = credentialHeaderName(raw[i], custom);
    if (name === undefined) continue;
    if (first === undefined) {
      first = name;
      continue;
    }
    throw new InvalidAuthRequestException(name === first ? `Send exactly one ${displayName(name)} header.` : ONE_CREDENTIAL);
  }
}

/** The lower-case name of a header that carries a credential, or undefined; the length check spares most lower-casing. */
function credentialHeaderName(name: string, custom: CustomCredentialLocations): string | undefined {
  const length = name.length;
  if (length === 13 && name.toLowerCase() === 'authorization') return 'authorization';
  if (length === 9 && name.toLowerCase() === 'x-api-key') return 'x-api-key';
  for (const { header } of custom.headers) {
    if (length === header.length && name.toLowerCase() === header) return header;
  }
  return undefined;
}

function displayName(header: string): string {
  return header === 'authorization' ? 'Authorization' : header === 'x-api-key' ? 'X-API-Key' : header;
}
