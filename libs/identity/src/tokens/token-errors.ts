import { errors } from 'jose';
import { AuthFailureReason, InvalidTokenException } from '../authentication/authentication.errors';
import { IdpUnavailableError } from './idp-http';

/**
 * Turns whatever verification threw into the one answer a client gets (401 invalid_token) with an
 * internal reason code. Nothing escapes as a 5xx: an unexpected error is a malformed token.
 */
export function toInvalidToken(error: unknown): InvalidTokenException {
  if (error instanceof InvalidTokenException) return error;
  return new InvalidTokenException(reasonOf(error));
}

function reasonOf(error: unknown): AuthFailureReason {
  if (error instanceof IdpUnavailableError) return 'issuer_unavailable';
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'invalid_claim' : 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'missing_claim';
    switch (error.claim) {
      case 'aud':
        return 'wrong_audience';
      case 'iss':
        return 'unknown_issuer';
      case 'typ':
        return 'wrong_type';
      case 'nbf':
      case 'iat':
        return error.reason === 'invalid' ? 'invalid_claim' : 'not_yet_valid';
      default:
        return 'invalid_claim';
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'alg_not_allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown_key';
  if (error instanceof errors.JWKSTimeout) return 'issuer_unavailable';
  return 'malformed';
}
