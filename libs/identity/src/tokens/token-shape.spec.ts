import { InvalidTokenException } from '../authentication/authentication.errors';
import { inspectToken } from './token-shape';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwt = (header: unknown, payload: unknown = { iss: 'x' }, signature = 'c2ln') => `${b64(header)}.${b64(payload)}.${signature}`;

function reasonOf(token: string): string | undefined {
  try {
    inspectToken(token);
    return undefined;
  } catch (error) {
    return (error as InvalidTokenException).reason;
  }
}

describe(inspectToken.name, () => {
  it('peeks at a compact JWS', () => {
    expect(inspectToken(jwt({ alg: 'ES256', kid: 'k' }, { iss: 'https://idp' }))).toMatchObject({
      kind: 'jwt',
      header: { alg: 'ES256', kid: 'k' },
      payload: { iss: 'https://idp' },
    });
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s', (alg) => {
    expect(reasonOf(jwt({ alg }))).toBe('alg_not_allowed');
  });

  it.each(['HS256', 'HS384', 'HS512', 'hs256'])('refuses the symmetric alg %s', (alg) => {
    expect(reasonOf(jwt({ alg }))).toBe('alg_not_allowed');
  });

  it.each([
    ['empty signature', jwt({ alg: 'ES256' }, { iss: 'x' }, '')],
    ['JWE (five segments)', 'a.b.c.d.e'],
    ['nested token', jwt({ alg: 'ES256', cty: 'JWT' })],
    ['encrypted header in three segments', jwt({ alg: 'ES256', enc: 'A256GCM' })],
    ['header that is not JSON', `${b64('not json')}.${b64({})}.c2ln`],
    ['payload that is not JSON', `${b64({ alg: 'ES256' })}.${b64('hello')}.c2ln`],
    ['characters outside base64url', `${b64({ alg: 'ES256' })}.${b64({})}.c2l+`],
    ['characters outside b64token', 'abc!def'],
    ['a missing alg', jwt({ kid: 'x' })],
  ])('refuses %s', (_name, token) => {
    expect(reasonOf(token)).toMatch(/malformed|alg_not_allowed/);
  });

  it('refuses a kid longer than 256 characters', () => {
    expect(reasonOf(jwt({ alg: 'ES256', kid: 'k'.repeat(300) }))).toBe('unknown_key');
  });

  it('treats anything else of b64token shape as opaque', () => {
    expect(inspectToken('2YotnFZFEjr1zCsicMWpAA')).toEqual({ kind: 'opaque' });
    expect(inspectToken('a.b')).toEqual({ kind: 'opaque' });
  });
});
