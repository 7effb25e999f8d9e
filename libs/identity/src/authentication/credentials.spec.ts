import type { FastifyRequest } from 'fastify';
import { InvalidAuthRequestException } from './authentication.errors';
import { type CustomCredentialLocations, presentedCredential } from './credentials';

const request = (headers: Record<string, string | string[]>, url = '/v1/models') => ({ headers, url }) as unknown as FastifyRequest;

describe(presentedCredential.name, () => {
  it('finds nothing on a bare request', () => {
    expect(presentedCredential(request({}))).toEqual({ kind: 'none' });
  });

  it('reads a bearer token and routes ig_ tokens to the API key strategy', () => {
    expect(presentedCredential(request({ authorization: 'Bearer abc.def.ghi' }))).toEqual({ kind: 'bearer', value: 'abc.def.ghi' });
    expect(presentedCredential(request({ authorization: 'bearer ig_id_secret' }))).toEqual({ kind: 'api-key', value: 'ig_id_secret' });
    expect(presentedCredential(request({ 'x-api-key': ' ig_id_secret ' }))).toEqual({ kind: 'api-key', value: 'ig_id_secret' });
  });

  it.each([
    ['two credentials at once', { authorization: 'Bearer a.b.c', 'x-api-key': 'ig_x_y' }, '/x'],
    ['a token in the query string', { authorization: 'Bearer a.b.c' }, '/x?access_token=a.b.c'],
    ['only a query token', {}, '/x?foo=1&api_key=ig_x_y'],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, '/x'],
    ['an empty bearer', { authorization: 'Bearer ' }, '/x'],
    ['two X-API-Key headers', { 'x-api-key': ['a', 'b'] }, '/x'],
  ])('refuses %s with 400 invalid_request', (_case, headers, url) => {
    expect(() => presentedCredential(request(headers as Record<string, string>, url))).toThrow(InvalidAuthRequestException);
  });

  it('does not mistake a query parameter that merely contains "token" for a credential', () => {
    expect(presentedCredential(request({}, '/x?max_tokens=5'))).toEqual({ kind: 'none' });
  });
});

describe(`${presentedCredential.name} with registered strategies' locations`, () => {
  const custom: CustomCredentialLocations = {
    headers: [{ header: 'x-internal-ticket', strategy: 'ticket' }],
    bearerPrefixes: [{ prefix: 'ldap:', strategy: 'ldap' }],
    schemes: new Map([['saml', 'saml']]),
  };
  const withRaw = (rawHeaders: string[], url = '/x') => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i].toLowerCase()] ??= rawHeaders[i + 1];
    return { headers, url, raw: { rawHeaders } } as unknown as FastifyRequest;
  };

  it('names the strategy that claims a header, a Bearer prefix or a scheme', () => {
    expect(presentedCredential(request({ 'x-internal-ticket': ' t-1 ' }), custom)).toEqual({
      kind: 'custom',
      strategy: 'ticket',
      value: 't-1',
    });
    expect(presentedCredential(request({ authorization: 'Bearer ldap:u1' }), custom)).toEqual({
      kind: 'custom',
      strategy: 'ldap',
      value: 'ldap:u1',
    });
    expect(presentedCredential(request({ authorization: 'SAML PHNhbWw+' }), custom)).toEqual({
      kind: 'custom',
      strategy: 'saml',
      value: 'PHNhbWw+',
    });
    expect(presentedCredential(request({ authorization: 'Bearer a.b.c' }), custom)).toEqual({ kind: 'bearer', value: 'a.b.c' });
  });

  it('still refuses a scheme nobody registered', () => {
    expect(() => presentedCredential(request({ authorization: 'Basic dXNlcjpwYXNz' }), custom)).toThrow(InvalidAuthRequestException);
  });

  it.each([
    [
      'two Authorization lines',
      ['Authorization', 'Bearer a.b.c', 'authorization', 'Bearer d.e.f'],
      'Send exactly one Authorization header.',
    ],
    ['two X-API-Key lines', ['X-API-Key', 'ig_a_b', 'x-api-key', 'ig_c_d'], 'Send exactly one X-API-Key header.'],
    ['two ticket lines', ['X-Internal-Ticket', 't-1', 'x-internal-ticket', 't-2'], 'Send exactly one x-internal-ticket header.'],
    ['a ticket and an Authorization header', ['X-Internal-Ticket', 't-1', 'Authorization', 'Bearer a.b.c'], undefined],
  ])('refuses %s, which Node folds into one value, from the raw header list', (_case, rawHeaders, detail) => {
    let error: unknown;
    try {
      presentedCredential(withRaw(rawHeaders), custom);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidAuthRequestException);
    if (detail) expect((error as InvalidAuthRequestException).detail).toBe(detail);
  });

  it('reads one credential among other headers from the raw list', () => {
    const raw = ['Host', 'x', 'Authorization', 'Bearer a.b.c', 'X-Api-Keys', 'no', 'Accept', '*/*'];
    expect(presentedCredential(withRaw(raw), custom)).toEqual({ kind: 'bearer', value: 'a.b.c' });
  });
});
