import type { FastifyRequest } from 'fastify';
import type { CredentialContext } from '../credential-verifiers';
import type { PresentedCredential } from '../credentials';

/** What the guard found on the request, handed to the passport strategies so they do not parse again. */
export interface CredentialCarrier {
  credential?: PresentedCredential;
  credentialContext?: CredentialContext;
}

export type RequestWithCredential = FastifyRequest & CredentialCarrier;
