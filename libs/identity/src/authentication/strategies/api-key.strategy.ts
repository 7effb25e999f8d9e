import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '../../principal';
import { API_KEY_VERIFIER, ApiKeyVerifier } from '../credential-verifiers';
import type { RequestWithCredential } from './presented-credential';

/** `X-API-Key: ig_…` or `Authorization: Bearer ig_…`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(@Inject(API_KEY_VERIFIER) private readonly verifier: ApiKeyVerifier) {
    super();
  }

  async validate(request: RequestWithCredential): Promise<Principal | null> {
    const { credential, credentialContext } = request;
    if (credential?.kind !== 'api-key' || !credentialContext) return null;
    return this.verifier.verify(credential.value, credentialContext);
  }
}
