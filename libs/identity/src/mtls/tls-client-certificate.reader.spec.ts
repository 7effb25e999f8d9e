import type { FastifyRequest } from 'fastify';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { validateOptions } from '@infergate/common';
import { IdentityModuleOptions } from '../identity.options';
import { IssuedCertificate, TestCertificateAuthority, TestPki } from '../../../../test/support/certificates';
import { TlsClientCertificateReader } from './tls-client-certificate.reader';

const PROXY = '10.1.2.3';
const STRANGER = '203.0.113.7';
const DAY_MS = 24 * 60 * 60 * 1000;

interface FakeSocket {
  remoteAddress: string;
  encrypted?: true;
  authorized?: boolean;
  getPeerX509Certificate?: jest.Mock<X509Certificate | undefined, []>;
}

function tlsSocket(remoteAddress: string, cert: IssuedCertificate | undefined, authorized: boolean): FakeSocket {
  return {
    remoteAddress,
    encrypted: true,
    authorized,
    getPeerX509Certificate: jest.fn(() => (cert ? new X509Certificate(cert.cert) : undefined)),
  };
}

function plainSocket(remoteAddress: string): FakeSocket {
  return { remoteAddress };
}

function request(socket: FakeSocket, headers: Record<string, string | string[]> = {}): FastifyRequest {
  return { raw: { socket }, headers, ip: '198.51.100.1' } as unknown as FastifyRequest;
}

const header = (cert: IssuedCertificate): string => `:${cert.derBase64}:`;

describe(TlsClientCertificateReader.name, () => {
  let pki: TestPki;
  let authority: TestCertificateAuthority;
  let client: IssuedCertificate;
  let foreignClient: IssuedCertificate;

  beforeAll(() => {
    pki = new TestPki();
    authority = pki.createAuthority('Reader CA');
    client = authority.issueClient('scorer', ['DNS:Scorer.Example.com', 'URI:spiffe://example.org/ns/prod/sa/scorer', 'IP Address:::1']);
    foreignClient = pki.createAuthority('Other CA').issueClient('impostor', ['DNS:scorer.example.com']);
  });
  afterAll(() => pki.cleanup());
  afterEach(() => jest.useRealTimers());

  /** The mTLS settings the gateway passes to IdentityModule; an empty string clears one, as an empty variable did. */
  const reader = (mtls: { clientCaFile?: string; trustedProxyCidrs?: string[] } = {}) =>
    new TlsClientCertificateReader(
      validateOptions(
        IdentityModuleOptions,
        {
          mtls: {
            clientCaFile: authority.certFile,
            trustedProxyCidrs: ['10.0.0.0/8'],
            ...mtls,
            ...(mtls.clientCaFile === '' ? { clientCaFile: undefined } : {}),
          },
        },
        'identity',
      ),
    );

  describe('on a direct TLS connection', () => {
    it('reads a certificate the handshake verified: RFC 8705 thumbprint, subject and canonical SANs', () => {
      const sut = reader();
      expect(sut.read(request(tlsSocket(STRANGER, client, true)))).toEqual({
        thumbprint: client.thumbprint,
        subject: 'O=infergate tests, CN=scorer',
        subjectAltNames: ['DNS:scorer.example.com', 'URI:spiffe://example.org/ns/prod/sa/scorer', 'IP Address:::1'],
        source: 'tls',
      });
      expect(client.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('reads nothing when the certificate did not verify, without looking at it', () => {
      const socket = tlsSocket(STRANGER, foreignClient, false);
      expect(reader().read(request(socket))).toBeUndefined();
      expect(socket.getPeerX509Certificate).not.toHaveBeenCalled();
    });

    it('reads nothing from a connection without a certificate or without TLS', () => {
      expect(reader().read(request(tlsSocket(STRANGER, undefined, true)))).toBeUndefined();
      expect(reader().read(request(plainSocket(STRANGER)))).toBeUndefined();
    });

    it('reads the certificate of a connection once, and hands out copies', () => {
      const sut = reader();
      const socket = tlsSocket(STRANGER, client, true);
      const first = sut.read(request(socket));
      first?.subjectAltNames.push('DNS:admin.example.com');
      expect(sut.read(request(socket))?.subjectAltNames).not.toContain('DNS:admin.example.com');
      expect(socket.getPeerX509Certificate).toHaveBeenCalledTimes(1);
    });

    it('stops reading a cached certificate once it has expired', () => {
      const sut = reader();
      const socket = tlsSocket(STRANGER, client, true);
      expect(sut.read(request(socket))).toBeDefined();
      jest.useFakeTimers({ now: Date.now() + 2 * DAY_MS });
      expect(sut.read(request(socket))).toBeUndefined();
    });

    it('ignores a Client-Cert header from a client that is not a trusted proxy, on TLS or not', () => {
      const sut = reader({ clientCaFile: '' });
      expect(sut.read(request(plainSocket(STRANGER), { 'client-cert': header(client) }))).toBeUndefined();
      expect(sut.read(request(tlsSocket(STRANGER, undefined, false), { 'client-cert': header(client) }))).toBeUndefined();
      expect(sut.read(request(tlsSocket(STRANGER, foreignClient, true), { 'client-cert': header(client) }))).toMatchObject({
        thumbprint: foreignClient.thumbprint,
        source: 'tls',
      });
    });

    it('judges the proxy by the socket address, never by X-Forwarded-For or request.ip', () => {
      const forged = { 'client-cert': header(client), 'x-forwarded-for': PROXY };
      const req = { ...request(plainSocket(STRANGER), forged), ip: PROXY } as FastifyRequest;
      expect(reader().read(req)).toBeUndefined();
    });

    it('ignores every Client-Cert header when no trusted proxy is configured', () => {
      const sut = reader({ trustedProxyCidrs: [] });
      expect(sut.read(request(plainSocket('127.0.0.1'), { 'client-cert': header(client) }))).toBeUndefined();
    });
  });

  describe('behind a trusted TLS-terminating proxy', () => {
    it('reads the RFC 9440 Client-Cert header', () => {
      const read = reader().read(request(plainSocket(PROXY), { 'client-cert': header(client) }));
      expect(read).toEqual({
        thumbprint: client.thumbprint,
        subject: 'O=infergate tests, CN=scorer',
        subjectAltNames: ['DNS:scorer.example.com', 'URI:spiffe://example.org/ns/prod/sa/scorer', 'IP Address:::1'],
        source: 'client-cert-header',
      });
    });

    it('recognises the proxy by an IPv4-mapped IPv6 socket address', () => {
      expect(reader().read(request(plainSocket(`::ffff:${PROXY}`), { 'client-cert': ` ${header(client)}\t` }))).toMatchObject({
        thumbprint: client.thumbprint,
      });
    });

    it("does not take the proxy's own TLS certificate for the client's", () => {
      expect(reader().read(request(tlsSocket(PROXY, client, true)))).toBeUndefined();
      expect(reader().read(request(tlsSocket(PROXY, client, true), { 'client-cert': header(client) }))?.source).toBe('client-cert-header');
    });

    it.each<[string, (cert: IssuedCertificate) => string | string[]]>([
      ['no colons', (cert) => cert.derBase64],
      ['no closing colon', (cert) => `:${cert.derBase64}`],
      ['a PEM certificate', (cert) => cert.cert.replace(/\n/g, ' ')],
      ['characters outside base64', (cert) => `:${cert.derBase64.slice(0, 40)}!${cert.derBase64.slice(41)}:`],
      ['base64url instead of base64', (cert) => `:${Buffer.from(cert.derBase64, 'base64').toString('base64url')}:`],
      ['missing padding', (cert) => `:${cert.derBase64.replace(/=+$/, '')}x:`],
      ['structured-field parameters', (cert) => `${header(cert)};a=1`],
      ['an inner list', (cert) => `(${header(cert)})`],
      ['two certificates in one field', (cert) => `${header(cert)}, ${header(cert)}`],
      ['the header twice', (cert) => [header(cert), header(cert)]],
      ['an empty byte sequence', () => '::'],
      ['bytes that are not a certificate', () => `:${Buffer.from('not a certificate at all').toString('base64')}:`],
      ['a truncated certificate', (cert) => `:${Buffer.from(cert.derBase64, 'base64').subarray(0, 200).toString('base64')}:`],
      [
        'trailing bytes after the certificate',
        (cert) => `:${Buffer.concat([Buffer.from(cert.derBase64, 'base64'), Buffer.from([0, 0, 0])]).toString('base64')}:`,
      ],
      ['20 KB of base64', () => `:${'A'.repeat(20 * 1024)}:`],
    ])('reads a malformed header (%s) as no certificate', (_case, value) => {
      const sut = reader({ clientCaFile: '' });
      expect(() => sut.read(request(plainSocket(PROXY), { 'client-cert': value(client) }))).not.toThrow();
      expect(sut.read(request(plainSocket(PROXY), { 'client-cert': value(client) }))).toBeUndefined();
    });

    it('refuses a header certificate from another CA when a client CA bundle is configured', () => {
      expect(reader().read(request(plainSocket(PROXY), { 'client-cert': header(foreignClient) }))).toBeUndefined();
    });

    it('leaves the chain to the proxy when no client CA bundle is configured', () => {
      const sut = reader({ clientCaFile: '' });
      expect(sut.read(request(plainSocket(PROXY), { 'client-cert': header(foreignClient) }))?.thumbprint).toBe(foreignClient.thumbprint);
    });

    it('refuses a header certificate outside its validity period', () => {
      const sut = reader();
      const req = request(plainSocket(PROXY), { 'client-cert': header(client) });
      expect(sut.read(req)).toBeDefined();
      jest.useFakeTimers({ now: Date.now() + 2 * DAY_MS });
      expect(sut.read(req)).toBeUndefined();
      jest.useFakeTimers({ now: Date.now() - 4 * DAY_MS });
      expect(reader().read(req)).toBeUndefined();
    });

    it('accepts a certificate issued by any CA of the bundle', () => {
      const bundle = pki.createAuthority('Bundle CA');
      const file = `${pki.dir}/bundle.pem`;
      writeFileSync(file, `${bundle.cert}\n${authority.cert}`);
      const sut = reader({ clientCaFile: file });
      expect(sut.read(request(plainSocket(PROXY), { 'client-cert': header(client) }))?.thumbprint).toBe(client.thumbprint);
      const other = bundle.issueClient('other');
      expect(sut.read(request(plainSocket(PROXY), { 'client-cert': header(other) }))?.thumbprint).toBe(other.thumbprint);
    });
  });
});
