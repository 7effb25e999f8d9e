import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '@infergate/contracts';
import type { CredentialRequest } from '../authentication-attempt';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator } from '../credential-verifiers';
import { AuthenticationStrategy } from '../credential-strategy.decorator';

/**
 * Mutual TLS (RFC 8705) or a certificate forwarded by a trusted TLS-terminating proxy (RFC 9440): a
 * request with no header credential over a verified client certificate registered to an application.
 * A certificate nobody registered is no credential at all: the answer is the bare 401 challenge.
 */
@Injectable()
@AuthenticationStrategy({ name: 'client-certificate', credential: 'client-certificate' })
export class ClientCertificateStrategy extends PassportStrategy(Strategy, 'client-certificate') {
  constructor(@Inject(CERTIFICATE_AUTHENTICATOR) private readonly authenticator: CertificateAuthenticator) {
    super();
  }

  async validate(request: CredentialRequest): Promise<Principal | null> {
    const attempt = request.authentication;
    if (!attempt.certificate) return null;
    return (await this.authenticator.authenticate(attempt.certificate, attempt)) ?? null;
  }
}
