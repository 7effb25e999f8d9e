import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '@infergate/contracts';
import type { CredentialRequest } from '../authentication-attempt';
import { API_KEY_VERIFIER, ApiKeyVerifier } from '../credential-verifiers';
import { AuthenticationStrategy } from '../credential-strategy.decorator';

/** `X-API-Key: ig_…` or `Authorization: Bearer ig_…`: an API key, verified by the API key verifier. */
@Injectable()
@AuthenticationStrategy({ name: 'api-key', credential: 'api-key' })
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(@Inject(API_KEY_VERIFIER) private readonly verifier: ApiKeyVerifier) {
    super();
  }

  validate(request: CredentialRequest): Promise<Principal> {
    const attempt = request.authentication;
    const { credential } = attempt;
    return this.verifier.verify(credential.kind === 'api-key' ? credential.value : '', attempt);
  }
}
