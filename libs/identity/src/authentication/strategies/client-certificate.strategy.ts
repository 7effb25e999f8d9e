import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '../../principal';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator } from '../credential-verifiers';
import type { RequestWithCredential } from './presented-credential';

/** A request with no other credential, over a verified client certificate registered to an application. */
@Injectable()
export class ClientCertificateStrategy extends PassportStrategy(Strategy, 'client-certificate') {
  constructor(@Inject(CERTIFICATE_AUTHENTICATOR) private readonly authenticator: CertificateAuthenticator) {
    super();
  }

  async validate(request: RequestWithCredential): Promise<Principal | null> {
    const { credential, credentialContext } = request;
    if (credential?.kind !== 'none' || !credentialContext?.certificate) return null;
    return (await this.authenticator.authenticate(credentialContext.certificate, credentialContext)) ?? null;
  }
}
