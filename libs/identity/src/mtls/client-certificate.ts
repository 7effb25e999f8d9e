import type { FastifyRequest } from 'fastify';

/** A verified client certificate, from the TLS connection or from a trusted proxy's Client-Cert header. */
export interface ClientCertificate {
  /** SHA-256 of the DER certificate, base64url: the value of `cnf.x5t#S256` (RFC 8705). */
  thumbprint: string;
  subject: string;
  /** Subject alternative names as `DNS:…`, `URI:…`, `email:…`. */
  subjectAltNames: string[];
  source: 'tls' | 'client-cert-header';
}

/** Reads the client certificate of a request, if it has a trustworthy one. */
export interface ClientCertificateReader {
  read(request: FastifyRequest): ClientCertificate | undefined;
}

export const CLIENT_CERTIFICATE_READER = Symbol('ClientCertificateReader');
