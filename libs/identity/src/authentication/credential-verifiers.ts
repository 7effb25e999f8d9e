import type { ClientCertificate } from '../mtls/client-certificate';
import type { Principal } from '@infergate/contracts';

/** What a verifier may need to know about the request besides the credential itself. */
export interface CredentialContext {
  clientIp: string;
  certificate?: ClientCertificate;
}

/**
 * Verifies a bearer token (the gateway's own JWTs, external IdPs' JWTs, opaque tokens by
 * introspection) and returns the principal, or throws InvalidTokenException with a reason code.
 */
export interface AccessTokenVerifier {
  verify(token: string, context: CredentialContext): Promise<Principal>;
}
export const ACCESS_TOKEN_VERIFIER = Symbol('AccessTokenVerifier');

/** Verifies an `ig_<id>_<secret>` API key; throws InvalidTokenException('unknown_credential') alike for every failure. */
export interface ApiKeyVerifier {
  verify(key: string, context: CredentialContext): Promise<Principal>;
}
export const API_KEY_VERIFIER = Symbol('ApiKeyVerifier');

/** Maps a verified client certificate to an application's principal, or undefined when none is registered. */
export interface CertificateAuthenticator {
  authenticate(certificate: ClientCertificate, context: CredentialContext): Promise<Principal | undefined>;
}
export const CERTIFICATE_AUTHENTICATOR = Symbol('CertificateAuthenticator');
