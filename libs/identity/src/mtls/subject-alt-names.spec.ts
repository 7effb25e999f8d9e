import { normalizeSubjectAltName, parseSubjectAltNames } from './subject-alt-names';

describe(parseSubjectAltNames.name, () => {
  it('splits node:crypto output into canonical SANs', () => {
    expect(
      parseSubjectAltNames(
        'DNS:Client.Example.com, URI:spiffe://example.org/ns/a, email:ops@example.com, IP Address:10.1.2.3, IP Address:2001:DB8:0:0:0:0:0:1',
      ),
    ).toEqual([
      'DNS:client.example.com',
      'URI:spiffe://example.org/ns/a',
      'email:ops@example.com',
      'IP Address:10.1.2.3',
      'IP Address:2001:db8::1',
    ]);
  });

  it('reads JSON-quoted values whole, so that a comma inside a value cannot forge a second SAN', () => {
    expect(parseSubjectAltNames('DNS:"evil.example\\u002c DNS:admin.example.com", DNS:ok.example')).toEqual([
      'DNS:evil.example, dns:admin.example.com',
      'DNS:ok.example',
    ]);
  });

  it('drops types it does not match on and values it cannot read', () => {
    expect(
      parseSubjectAltNames('DirName:CN=x, othername:1.2.3;UTF8:y, Registered ID:1.2.3, IP Address:not-an-ip, DNS:"unterminated'),
    ).toEqual([]);
    expect(parseSubjectAltNames(undefined)).toEqual([]);
    expect(parseSubjectAltNames('')).toEqual([]);
  });

  it('lists a SAN once', () => {
    expect(parseSubjectAltNames('DNS:a.example, DNS:A.example')).toEqual(['DNS:a.example']);
  });
});

describe(normalizeSubjectAltName.name, () => {
  it.each([
    ['DNS:Scorer.Example.COM', 'DNS:scorer.example.com'],
    [' URI:spiffe://Example.org/SA ', 'URI:spiffe://Example.org/SA'],
    ['email:Ops@Example.com', 'email:Ops@Example.com'],
    ['IP:10.0.0.1', 'IP Address:10.0.0.1'],
    ['IP Address:0:0:0:0:0:0:0:1', 'IP Address:::1'],
  ])('writes %j as %j', (input, expected) => {
    expect(normalizeSubjectAltName(input)).toBe(expected);
  });

  it.each([
    'client.example.com',
    'DNS:',
    ':x',
    'dns:client.example.com',
    'DirName:CN=x',
    'IP:10.0.0.256',
    'DNS:a\nb',
    `URI:${'a'.repeat(1025)}`,
  ])('refuses %j', (input) => {
    expect(normalizeSubjectAltName(input)).toBeUndefined();
  });
});
