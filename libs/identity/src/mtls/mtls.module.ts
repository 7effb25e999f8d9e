import { Module } from '@nestjs/common';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator } from '../authentication/credential-verifiers';
import { IdentityCoreModule } from '../identity-core.module';
import { CLIENT_CERTIFICATE_READER, ClientCertificateReader } from './client-certificate';

const noCertificate: ClientCertificateReader = { read: () => undefined };
const noAuthenticator: CertificateAuthenticator = { authenticate: () => Promise.resolve(undefined) };

/** Mutual TLS: client certificates from the connection or a trusted proxy, mapped to applications. */
@Module({
  imports: [IdentityCoreModule],
  providers: [
    { provide: CLIENT_CERTIFICATE_READER, useValue: noCertificate },
    { provide: CERTIFICATE_AUTHENTICATOR, useValue: noAuthenticator },
  ],
  exports: [CLIENT_CERTIFICATE_READER, CERTIFICATE_AUTHENTICATOR],
})
export class MtlsModule {}
