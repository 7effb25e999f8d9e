import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '@infergate/contracts';
import type { CredentialRequest } from '../authentication-attempt';
import { InvalidTokenException } from '../authentication.errors';
import { ACCESS_TOKEN_VERIFIER, AccessTokenVerifier } from '../credential-verifiers';
import { AuthenticationStrategy } from '../credential-strategy.decorator';
import { MAX_CREDENTIAL_LENGTH } from '../credentials';

/**
 * `Authorization: Bearer <access token>`: the gateway's own JWTs, trusted external IdPs' JWTs and
 * opaque tokens by introspection, in one strategy. Why one: which of the three a token is can only be
 * told by decoding it (a JWT's `iss` picks local or external; no JWT shape means introspection), and
 * the verifier answers a token it has seen from its verified-token cache, keyed by the token string,
 * before decoding anything. Three strategies would need that decode on every request, cached hits
 * included, to pick one of them, and the verifier would decode again on a miss: the guard's "cheap look
 * at the headers" cannot split them, the verifier's own dispatch by issuer already does.
 */
@Injectable()
@AuthenticationStrategy({ name: 'bearer', credential: 'bearer' })
export class BearerTokenStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(@Inject(ACCESS_TOKEN_VERIFIER) private readonly verifier: AccessTokenVerifier) {
    super();
  }

  validate(request: CredentialRequest): Promise<Principal> {
    const attempt = request.authentication;
    const { credential } = attempt;
    const token = credential.kind === 'bearer' ? credential.value : '';
    // Refused before any parsing or cryptography, whichever verifier is bound.
    if (token.length > MAX_CREDENTIAL_LENGTH) throw new InvalidTokenException('malformed');
    return this.verifier.verify(token, attempt);
  }
}
