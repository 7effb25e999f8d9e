import { CreateApplicationDto } from './application.dto';
import { RequestValidationException } from '@infergate/common';
import { validatePlain } from '@infergate/validation';
import { CreateOrganizationDto } from './organization.dto';

import { isCidr } from '@infergate/common';

describe('tenancy request validation', () => {
  it.each(['10.0.0.0/8', '192.168.1.1/32', '0.0.0.0/0', '::1/128', '2001:db8::/32', '::ffff:10.0.0.0/104'])('accepts the CIDR %s', (cidr) =>
    expect(isCidr(cidr)).toBe(true),
  );

  it.each(['10.0.0.0', '10.0.0.0/33', '300.0.0.0/8', '::1/129', '10.0.0.0/8/8', 'example.com/24', '10.0.0.0/-1', '10.0.0.0/ 8', ''])(
    'refuses %j',
    (cidr) => expect(isCidr(cidr)).toBe(false),
  );

  const errorsOf = (dto: new () => object, value: unknown) => {
    try {
      validatePlain(dto, value);
    } catch (error) {
      expect(error).toBeInstanceOf(RequestValidationException);
      return (error as RequestValidationException).errors ?? [];
    }
    throw new Error('expected a validation failure');
  };

  it('refuses unknown fields, each at its own JSON pointer, and id or org fields from the body', () => {
    const pipe = CreateOrganizationDto;
    expect(errorsOf(pipe, { name: 'acme', id: 'x', 'a/b': 1 })).toEqual([
      { pointer: '/id', detail: 'This field is not allowed.' },
      { pointer: '/a~1b', detail: 'This field is not allowed.' },
    ]);
  });

  it('locates nested violations: names over 100 characters, bad CIDRs, unknown scopes and clearances', () => {
    const pipe = CreateApplicationDto;
    const errors = errorsOf(pipe, {
      name: 'x'.repeat(101),
      allowedCidrs: ['10.0.0.0/8', 'nope'],
      allowedScopes: ['infer', 'root'],
      clearance: 'top-secret',
    });
    expect(errors.map((e) => e.pointer).sort()).toEqual(['/allowedCidrs/1', '/allowedScopes/1', '/clearance', '/name']);
  });

  it('applies defaults: client_secret_basic, no scopes, public clearance', () => {
    expect(validatePlain(CreateApplicationDto, { name: 'svc' })).toEqual({
      name: 'svc',
      authMethod: 'client_secret_basic',
      allowedScopes: [],
      clearance: 'public',
      allowedRegions: [],
      allowedCidrs: [],
    });
  });

  it('refuses a JWKS holding a private key', () => {
    const pipe = CreateApplicationDto;
    const errors = errorsOf(pipe, {
      name: 'svc',
      authMethod: 'private_key_jwt',
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] },
    });
    expect(errors).toEqual([{ pointer: '/jwks/keys/0', detail: 'Register public keys only.' }]);
  });

  it('refuses a body that is not an object', () => {
    const pipe = CreateOrganizationDto;
    expect(errorsOf(pipe, ['acme'])).toHaveLength(1);
  });
});

describe('application subject alternative names', () => {
  const pipe = { transform: (value: unknown) => validatePlain(CreateApplicationDto, value) };
  const base = { name: 'svc', authMethod: 'tls_client_auth' as const };

  it('are stored in the form the mTLS matcher compares', () => {
    expect(pipe.transform({ ...base, tlsSubjectSan: 'DNS:Client.Example.COM' }).tlsSubjectSan).toBe('DNS:client.example.com');
    expect(pipe.transform({ ...base, tlsSubjectSan: 'URI:spiffe://acme/svc' }).tlsSubjectSan).toBe('URI:spiffe://acme/svc');
  });

  it.each(['client.example.com', 'FOO:bar', 'DNS:', 'DNS:a\u0000b'])('refuses %j', (san) => {
    expect(() => pipe.transform({ ...base, tlsSubjectSan: san })).toThrow(RequestValidationException);
  });
});
