import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ipInAnyCidr } from '../authentication/ip-match';
import type { ClientCertificate, ClientCertificateReader } from './client-certificate';
import { CLIENT_CERT_HEADER, parseClientCertHeader } from './client-cert-header';
import { describeCertificate, isIssuedByAny, isWithinValidity, readCertificateBundle, ReadCertificate } from './x509';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

/** Header certificates parsed and verified recently, by header value (a proxy repeats the same few). */
const HEADER_CACHE_SIZE = 1000;

/**
 * Reads the client certificate of a request (CLIENT_CERTIFICATE_READER).
 *
 * - Directly connected clients: the certificate of the TLS connection, only when Node verified it
 *   against the configured CA bundle (`socket.authorized`). The gateway asks for a certificate but
 *   does not reject the handshake without one (`rejectUnauthorized: false`), so a connection without
 *   a certificate, or with one that did not verify, reaches the gateway as having none.
 * - Through a TLS-terminating proxy: when the connection's remote address (the socket's, never the
 *   X-Forwarded-For-derived `request.ip`) lies in `server.trustedProxyCidrs`, the RFC 9440
 *   `Client-Cert` header is the client's certificate and the connection's own certificate (the
 *   proxy's) is not used. When a CA bundle is configured, the header certificate must also be issued
 *   by one of its certificates and be within its validity period. From any other address the header
 *   is ignored entirely.
 *
 * Anything malformed reads as "no certificate": the credential then decides (usually a 401).
 */
@Injectable()
export class TlsClientCertificateReader implements ClientCertificateReader {
  private readonly trustedProxyCidrs: readonly string[];
  private readonly authorities: readonly X509Certificate[];
  /** Per TLS connection: renegotiation is disabled (gateway.ts), so a connection's certificate is fixed. */
  private readonly bySocket = new WeakMap<Socket, ReadCertificate | null>();
  private readonly byHeader = new Map<string, ReadCertificate | null>();

  constructor(@Inject(IDENTITY_OPTIONS) options: IdentityModuleOptions) {
    this.trustedProxyCidrs = options.mtls.trustedProxyCidrs;
    const caFile = options.mtls.clientCaFile;
    this.authorities = caFile ? readCertificateBundle(readFileSync(caFile, 'utf8')) : [];
  }

  read(request: FastifyRequest): ClientCertificate | undefined {
    const socket = request.raw.socket as Socket | undefined;
    if (!socket) return undefined;
    const read = this.fromTrustedProxy(socket) ? this.fromHeader(request.headers[CLIENT_CERT_HEADER]) : this.fromConnection(socket);
    return read && isWithinValidity(read) ? { ...read.certificate, subjectAltNames: [...read.certificate.subjectAltNames] } : undefined;
  }

  private fromTrustedProxy(socket: Socket): boolean {
    const remote = socket.remoteAddress;
    return this.trustedProxyCidrs.length > 0 && remote !== undefined && ipInAnyCidr(remote, this.trustedProxyCidrs);
  }

  private fromConnection(socket: Socket): ReadCertificate | null {
    if (!isTlsSocket(socket)) return null;
    let read = this.bySocket.get(socket);
    if (read === undefined) {
      const x509 = socket.authorized ? socket.getPeerX509Certificate() : undefined;
      read = x509 ? describeCertificate(x509, 'tls') : null;
      this.bySocket.set(socket, read);
    }
    return read;
  }

  private fromHeader(value: string | string[] | undefined): ReadCertificate | null {
    if (typeof value !== 'string') return null;
    let read = this.byHeader.get(value);
    if (read === undefined) {
      const x509 = parseClientCertHeader(value);
      // The proxy verified the chain; a configured bundle is checked again, in case the proxy trusts more.
      const trusted = x509 !== undefined && (this.authorities.length === 0 || isIssuedByAny(x509, this.authorities));
      read = trusted ? describeCertificate(x509, 'client-cert-header') : null;
      if (this.byHeader.size >= HEADER_CACHE_SIZE) this.byHeader.delete(this.byHeader.keys().next().value as string);
      this.byHeader.set(value, read);
    }
    return read;
  }
}

function isTlsSocket(socket: Socket): socket is TLSSocket {
  const candidate = socket as Partial<TLSSocket>;
  return candidate.encrypted === true && typeof candidate.getPeerX509Certificate === 'function';
}
