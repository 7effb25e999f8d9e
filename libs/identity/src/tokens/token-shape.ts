import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { InvalidTokenException } from '../authentication/authentication.errors';

/** A JWS compact token whose header and payload parsed; nothing about it is trusted yet. */
export interface UnverifiedJwt {
  kind: 'jwt';
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
}

/** Anything else that may be an opaque token of an IdP, to be introspected. */
export interface OpaqueToken {
  kind: 'opaque';
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const SYMMETRIC_ALG = /^HS/i;

/**
 * Looks at a token's shape before any cryptography, to choose how to verify it and to refuse what is
 * never acceptable: JWE (five segments), nested tokens (`cty: JWT`), `alg: none` in any spelling,
 * HMAC algorithms (the "HS256 signed with the public key" attack), empty signatures. The header and
 * payload are only peeked at with jose's decoders; verification decides everything else.
 */
export function inspectToken(token: string): UnverifiedJwt | OpaqueToken {
  if (!B64TOKEN.test(token)) throw new InvalidTokenException('malformed');
  const segments = token.split('.');
  if (segments.length === 5) throw new InvalidTokenException('malformed');
  if (segments.length !== 3) return { kind: 'opaque' };
  if (!segments.every((segment) => BASE64URL.test(segment))) throw new InvalidTokenException('malformed');

  let header: ProtectedHeaderParameters;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    throw new InvalidTokenException('malformed');
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none' || SYMMETRIC_ALG.test(alg))
    throw new InvalidTokenException('alg_not_allowed');
  if ('enc' in header) throw new InvalidTokenException('malformed');
  if (typeof header.cty === 'string' && /^(application\/)?jwt$/i.test(header.cty)) throw new InvalidTokenException('malformed');
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > 256))
    throw new InvalidTokenException('unknown_key');
  return { kind: 'jwt', header, payload };
}
