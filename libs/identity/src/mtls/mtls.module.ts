import { Module } from '@nestjs/common';
import { CERTIFICATE_AUTHENTICATOR } from '../authentication/credential-verifiers';
import { IdentityCoreModule } from '../identity-core.module';
import { ApplicationCertificateAuthenticator } from './application-certificate.authenticator';
import { CLIENT_CERTIFICATE_READER } from './client-certificate';
import { TlsClientCertificateReader } from './tls-client-certificate.reader';

/** Mutual TLS: client certificates from the connection or a trusted proxy, mapped to applications. */
@Module({
  imports: [IdentityCoreModule],
  providers: [
    TlsClientCertificateReader,
    ApplicationCertificateAuthenticator,
    { provide: CLIENT_CERTIFICATE_READER, useExisting: TlsClientCertificateReader },
    { provide: CERTIFICATE_AUTHENTICATOR, useExisting: ApplicationCertificateAuthenticator },
  ],
  exports: [CLIENT_CERTIFICATE_READER, CERTIFICATE_AUTHENTICATOR, ApplicationCertificateAuthenticator],
})
export class MtlsModule {}
