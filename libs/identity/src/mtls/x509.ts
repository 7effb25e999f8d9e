import { createHash, X509Certificate } from 'node:crypto';
import type { ClientCertificate } from './client-certificate';
import { parseSubjectAltNames } from './subject-alt-names';

/** A client certificate with the validity period the reader re-checks on every use. */
export interface ReadCertificate {
  certificate: ClientCertificate;
  /** Milliseconds since the epoch. */
  notBefore: number;
  notAfter: number;
}

/** RFC 8705 §3.1 `x5t#S256`: SHA-256 of the DER certificate, base64url without padding. */
export function certificateThumbprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('base64url');
}

/** What the gateway keeps of a certificate: thumbprint, subject (RDNs joined with ", ") and canonical SANs. */
export function describeCertificate(x509: X509Certificate, source: ClientCertificate['source']): ReadCertificate {
  return {
    certificate: {
      thumbprint: certificateThumbprint(x509.raw),
      subject: x509.subject.split('\n').join(', '),
      subjectAltNames: parseSubjectAltNames(x509.subjectAltName),
      source,
    },
    notBefore: Date.parse(x509.validFrom),
    notAfter: Date.parse(x509.validTo),
  };
}

/** True while `now` lies within the certificate's validity period (an unparsable date never does). */
export function isWithinValidity(read: Pick<ReadCertificate, 'notBefore' | 'notAfter'>, now = Date.now()): boolean {
  return read.notBefore <= now && now <= read.notAfter;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle; throws when the bundle holds none or a block is not a certificate. */
export function readCertificateBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new Error('the CA bundle holds no PEM certificate');
  return blocks.map((block) => new X509Certificate(block));
}

/** True when `x509` was issued and signed by one of `authorities` (directly; intermediates belong in the bundle). */
export function isIssuedByAny(x509: X509Certificate, authorities: readonly X509Certificate[]): boolean {
  return authorities.some((authority) => {
    try {
      return x509.checkIssued(authority) && x509.verify(authority.publicKey);
    } catch {
      return false;
    }
  });
}
