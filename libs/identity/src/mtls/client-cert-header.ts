import { X509Certificate } from 'node:crypto';

/** The RFC 9440 header a TLS-terminating proxy puts the client's certificate in. */
export const CLIENT_CERT_HEADER = 'client-cert';

/** A DER certificate is a few KB; anything longer is not one the gateway will parse. */
export const MAX_CLIENT_CERT_HEADER_LENGTH = 16 * 1024;

// RFC 8941 §3.3.5 Byte Sequence: `:` base64 (RFC 4648 §4, padded) `:`, with optional surrounding spaces/tabs.
const BYTE_SEQUENCE = /^[ \t]*:((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?):[ \t]*$/;

/**
 * Parses an RFC 9440 `Client-Cert` header value (a structured-field byte sequence holding the DER
 * certificate). Returns undefined for anything else: a missing or repeated header, parameters,
 * bad base64, trailing bytes after the certificate, or DER that is not an X.509 certificate.
 */
export function parseClientCertHeader(value: string | string[] | undefined): X509Certificate | undefined {
  if (typeof value !== 'string' || value.length > MAX_CLIENT_CERT_HEADER_LENGTH) return undefined;
  const match = BYTE_SEQUENCE.exec(value);
  if (!match || match[1].length === 0) return undefined;
  const der = Buffer.from(match[1], 'base64');
  try {
    const x509 = new X509Certificate(der);
    // The thumbprint must cover exactly what the proxy sent, not a prefix OpenSSL happened to parse.
    return x509.raw.equals(der) ? x509 : undefined;
  } catch {
    return undefined;
  }
}
