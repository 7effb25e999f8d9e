import { ProblemException } from '@infergate/common';

/** Internal reason codes: recorded in the audit trail, never sent to the client. */
export type AuthFailureReason =
  | 'malformed'
  | 'bad_signature'
  | 'alg_not_allowed'
  | 'unknown_key'
  | 'unknown_issuer'
  | 'wrong_audience'
  | 'wrong_type'
  | 'expired'
  | 'not_yet_valid'
  | 'missing_claim'
  | 'invalid_claim'
  | 'revoked'
  | 'client_disabled'
  | 'unknown_credential'
  | 'certificate_mismatch'
  | 'source_not_allowed'
  | 'introspection_inactive'
  | 'issuer_unavailable';

const REALM = 'Bearer realm="infergate"';

/** RFC 6750 §3.1 invalid_token: the body never says which check failed. */
export class InvalidTokenException extends ProblemException {
  constructor(readonly reason: AuthFailureReason) {
    super({
      status: 401,
      slug: 'invalid-token',
      title: 'Unauthorized',
      detail: 'The credential presented is not valid.',
      headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` },
    });
  }
}

/** RFC 6750 §3.1 invalid_request: credentials in two places, or in the URL. */
export class InvalidAuthRequestException extends ProblemException {
  constructor(detail: string) {
    super({
      status: 400,
      slug: 'invalid-request',
      title: 'Bad Request',
      detail,
      headers: { 'WWW-Authenticate': `${REALM}, error="invalid_request"` },
    });
  }
}

/** RFC 6750 §3.1 insufficient_scope, naming the scopes the route needs. */
export class InsufficientScopeException extends ProblemException {
  constructor(required: readonly string[]) {
    const scope = required.join(' ');
    super({
      status: 403,
      slug: 'insufficient-scope',
      title: 'Forbidden',
      detail: `This request needs the scope "${scope}".`,
      headers: { 'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="${scope}"` },
    });
  }
}

/** Too many failed authentications from one source: refused for a while. */
export class AuthenticationThrottledException extends ProblemException {
  constructor(retryAfterSeconds: number) {
    super({
      status: 429,
      slug: 'authentication-throttled',
      title: 'Too Many Requests',
      detail: 'Too many failed authentication attempts from this source. Retry later.',
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}
