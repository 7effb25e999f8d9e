import { ProblemException } from '@infergate/common';

/** RFC 6749 §5.2 error codes (plus RFC 7009's unsupported_token_type). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type';

/** Internal reason codes for a failed client authentication: audited, never sent to the client. */
export type ClientAuthFailureReason =
  | 'no_credentials'
  | 'unknown_client'
  | 'client_disabled'
  | 'organization_disabled'
  | 'wrong_method'
  | 'bad_secret'
  | 'malformed_basic'
  | 'bad_assertion'
  | 'assertion_replayed'
  | 'certificate_mismatch'
  | 'source_not_allowed';

/** OAuth responses must never be cached (RFC 6749 §5.1). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized' };

/**
 * An OAuth error response (RFC 6749 §5.2): `application/json` with `error` and `error_description`,
 * and the problem members every infergate error carries. invalid_client is a 401.
 */
export class OAuthErrorException extends ProblemException {
  constructor(
    readonly error: OAuthErrorCode,
    description: string,
    headers: Record<string, string> = {},
  ) {
    const status = error === 'invalid_client' ? 401 : 400;
    super({
      status,
      slug: error.replace(/_/g, '-'),
      title: TITLES[status],
      detail: description,
      headers: { ...NO_STORE_HEADERS, ...headers },
      extensions: { error, error_description: description },
      contentType: 'application/json',
    });
  }
}

/**
 * Every failed client authentication answers alike — unknown client, wrong secret, disabled client —
 * so the response never tells which check failed. `reason` goes to the audit trail only.
 */
export class InvalidClientException extends OAuthErrorException {
  constructor(
    readonly reason: ClientAuthFailureReason,
    basicChallenge = false,
  ) {
    super('invalid_client', 'Client authentication failed.', basicChallenge ? { 'WWW-Authenticate': 'Basic realm="infergate"' } : {});
  }
}
