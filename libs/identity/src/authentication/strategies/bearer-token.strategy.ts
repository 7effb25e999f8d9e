import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '../../principal';
import { InvalidTokenException } from '../authentication.errors';
import { ACCESS_TOKEN_VERIFIER, AccessTokenVerifier } from '../credential-verifiers';
import { MAX_CREDENTIAL_LENGTH } from '../credentials';
import type { RequestWithCredential } from './presented-credential';

/** `Authorization: Bearer <access token>`: the gateway's own JWTs, external IdPs' JWTs, opaque tokens. */
@Injectable()
export class BearerTokenStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(@Inject(ACCESS_TOKEN_VERIFIER) private readonly verifier: AccessTokenVerifier) {
    super();
  }

  async validate(request: RequestWithCredential): Promise<Principal | null> {
    const { credential, credentialContext } = request;
    if (credential?.kind !== 'bearer' || !credentialContext) return null;
    // Refused before any parsing or cryptography.
    if (credential.value.length > MAX_CREDENTIAL_LENGTH) throw new InvalidTokenException('malformed');
    return this.verifier.verify(credential.value, credentialContext);
  }
}
