import type { FastifyRequest } from 'fastify';
import type { ClientCertificateReader } from '../mtls/client-certificate';
import type { ClientAuthenticationRequest } from './client-authenticator.service';
import { OAuthErrorException } from './oauth.errors';

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const QUERY_SECRETS = /[?&](client_secret|client_assertion|token|access_token)=/i;
const MAX_PARAMETERS = 32;

/**
 * Reads a request to the token, revocation or introspection endpoint: form-encoded parameters, each
 * at most once (RFC 6749 §3.2), never credentials in the URL (§2.3.1).
 */
export function readOAuthRequest(request: FastifyRequest, certificates: ClientCertificateReader): ClientAuthenticationRequest {
  if (QUERY_SECRETS.test(request.url)) {
    throw new OAuthErrorException('invalid_request', 'Credentials and tokens are not accepted in the URL.');
  }
  if (!FORM_CONTENT_TYPE.test(request.headers['content-type'] ?? '')) {
    throw new OAuthErrorException('invalid_request', 'The request body must be application/x-www-form-urlencoded.');
  }
  const body = (request.body ?? {}) as Record<string, unknown>;
  const names = Object.keys(body);
  if (names.length > MAX_PARAMETERS) throw new OAuthErrorException('invalid_request', 'Too many parameters.');
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of names) {
    const value = body[name];
    if (typeof value !== 'string') throw new OAuthErrorException('invalid_request', `The parameter ${safeName(name)} is repeated.`);
    params[name] = value;
  }
  const authorization = request.headers.authorization;
  return {
    authorization,
    params,
    clientIp: request.ip,
    certificate: certificates.read(request),
    requestId: String(request.id),
  };
}

function safeName(name: string): string {
  return /^[a-z_]{1,40}$/.test(name) ? `"${name}"` : 'given';
}
