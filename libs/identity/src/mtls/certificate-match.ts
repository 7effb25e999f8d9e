import type { ApplicationEntity } from '../tenancy/application.entity';
import type { ClientCertificate } from './client-certificate';
import { normalizeSubjectAltName } from './subject-alt-names';

/** How a certificate matched an application's registration; a thumbprint pin is the more specific. */
export type CertificateMatch = 'thumbprint' | 'subject-alt-name';

/**
 * RFC 8705 §2.1.2 (tls_client_auth) as the gateway applies it: an application registers a certificate
 * by SHA-256 thumbprint (`tlsCertThumbprint`), by one subject alternative name (`tlsSubjectSan`, in the
 * format of subject-alt-names.ts), or both; every registered attribute must match. An application
 * with neither matches no certificate.
 */
export function matchCertificate(
  application: Pick<ApplicationEntity, 'tlsCertThumbprint' | 'tlsSubjectSan'>,
  certificate: ClientCertificate,
): CertificateMatch | undefined {
  const { tlsCertThumbprint, tlsSubjectSan } = application;
  if (!tlsCertThumbprint && !tlsSubjectSan) return undefined;
  if (tlsCertThumbprint && tlsCertThumbprint !== certificate.thumbprint) return undefined;
  if (tlsSubjectSan) {
    const registered = normalizeSubjectAltName(tlsSubjectSan);
    if (registered === undefined || !certificate.subjectAltNames.includes(registered)) return undefined;
  }
  return tlsCertThumbprint ? 'thumbprint' : 'subject-alt-name';
}
