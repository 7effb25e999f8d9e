import { matchCertificate } from './certificate-match';
import type { ClientCertificate } from './client-certificate';

const certificate: ClientCertificate = {
  thumbprint: 'x'.repeat(43),
  subject: 'CN=scorer',
  subjectAltNames: ['DNS:scorer.example.com', 'URI:spiffe://example.org/sa/scorer'],
  source: 'tls',
};

describe(matchCertificate.name, () => {
  it('matches by thumbprint, by SAN (in any spelling that normalises alike), or by both', () => {
    expect(matchCertificate({ tlsCertThumbprint: certificate.thumbprint, tlsSubjectSan: null }, certificate)).toBe('thumbprint');
    expect(matchCertificate({ tlsCertThumbprint: null, tlsSubjectSan: 'DNS:Scorer.Example.com' }, certificate)).toBe('subject-alt-name');
    expect(matchCertificate({ tlsCertThumbprint: null, tlsSubjectSan: 'URI:spiffe://example.org/sa/scorer' }, certificate)).toBe(
      'subject-alt-name',
    );
    expect(matchCertificate({ tlsCertThumbprint: certificate.thumbprint, tlsSubjectSan: 'DNS:scorer.example.com' }, certificate)).toBe(
      'thumbprint',
    );
  });

  it('needs every registered attribute to match', () => {
    expect(
      matchCertificate({ tlsCertThumbprint: certificate.thumbprint, tlsSubjectSan: 'DNS:other.example.com' }, certificate),
    ).toBeUndefined();
    expect(matchCertificate({ tlsCertThumbprint: 'y'.repeat(43), tlsSubjectSan: 'DNS:scorer.example.com' }, certificate)).toBeUndefined();
  });

  it('matches nothing without a registration, or with a SAN of another type or a bare value', () => {
    expect(matchCertificate({ tlsCertThumbprint: null, tlsSubjectSan: null }, certificate)).toBeUndefined();
    expect(matchCertificate({ tlsCertThumbprint: '', tlsSubjectSan: '' }, certificate)).toBeUndefined();
    expect(matchCertificate({ tlsCertThumbprint: null, tlsSubjectSan: 'email:scorer.example.com' }, certificate)).toBeUndefined();
    expect(matchCertificate({ tlsCertThumbprint: null, tlsSubjectSan: 'scorer.example.com' }, certificate)).toBeUndefined();
    expect(matchCertificate({ tlsCertThumbprint: null, tlsSubjectSan: 'URI:spiffe://example.org/sa/SCORER' }, certificate)).toBeUndefined();
  });
});
