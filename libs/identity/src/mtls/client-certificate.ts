import type { FastifyRequest } from 'fastify';

/** A verified client certificate, from the TLS connection or from a trusted proxy's Client-Cert header. */
export interface ClientCertificate {
  /** SHA-256 of the DER certificate, base64url: the value of `cnf.x5t#S256` (RFC 8705). */
  thumbprint: string;
  /** The subject's RDNs as node:crypto prints them, joined with ", " (e.g. `O=Example, CN=scorer`). */
  subject: string;
  /** Canonical subject alternative names: `DNS:…`, `URI:…`, `email:…`, `IP Address:…` (see subject-alt-names.ts). */
  subjectAltNames: string[];
  source: 'tls' | 'client-cert-header';
}

/** Reads the client certificate of a request, if it has a trustworthy one. */
export interface ClientCertificateReader {
  read(request: FastifyRequest): ClientCertificate | undefined;
}

export const CLIENT_CERTIFICATE_READER = Symbol('ClientCertificateReader');

export { MATCHABLE_SAN_TYPES, normalizeSubjectAltName } from './subject-alt-names';
export type { MatchableSanType } from './subject-alt-names';
export { matchCertificate } from './certificate-match';
export type { CertificateMatch } from './certificate-match';
