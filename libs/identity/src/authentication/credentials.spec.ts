import type { FastifyRequest } from 'fastify';
import { InvalidAuthRequestException } from './authentication.errors';
import { presentedCredential } from './credentials';

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
