import type { FastifyRequest } from 'fastify';
import type { CredentialContext } from './credential-verifiers';
import type { PresentedCredential } from './credentials';

/**
 * What the AuthenticationGuard found on the request, handed to the one strategy it picked so that the
 * strategy parses nothing again: the credential and what a verifier may need besides it.
 */
export interface AuthenticationAttempt extends CredentialContext {
  readonly credential: PresentedCredential;
}

/** The request a strategy's validate() receives (passport-custom hands it the request as is). */
export type CredentialRequest = FastifyRequest & { authentication: AuthenticationAttempt };
