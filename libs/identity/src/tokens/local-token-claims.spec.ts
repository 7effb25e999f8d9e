import { readLocalClaims } from './local-token.verifier';

describe(readLocalClaims.name, () => {
  const payload = () => ({
    iss: 'https://gw',
    sub: 'app-1',
    client_id: 'app_x',
    iat: 1,
    exp: 2,
    jti: 'j',
    org_id: 'org-1',
    extra: 'ignored',
  });

  it('fills the optional claims with their defaults and drops the unknown ones', () => {
    expect(readLocalClaims(payload(), 'aud')).toEqual({
      iss: 'https://gw',
      aud: 'aud',
      sub: 'app-1',
      client_id: 'app_x',
      iat: 1,
      exp: 2,
      jti: 'j',
      scope: '',
      org_id: 'org-1',
      project_ids: [],
      roles: [],
      clearance: 'public',
      regions: [],
      cidrs: [],
    });
  });

  it('keeps a certificate binding with only its thumbprint', () => {
    expect(readLocalClaims({ ...payload(), cnf: { 'x5t#S256': 'tp', other: 1 } }, 'aud')?.cnf).toEqual({ 'x5t#S256': 'tp' });
  });

  it.each([
    ['sub', ''],
    ['sub', 7],
    ['client_id', 'x'.repeat(256)],
    ['org_id', undefined],
    ['jti', null],
    ['iat', '1'],
    ['scope', 3],
    ['roles', 'platform-admin'],
    ['roles', [1]],
    ['regions', Array.from({ length: 1001 }, () => 'r')],
    ['clearance', 'x'.repeat(33)],
    ['cnf', { 'x5t#S256': '' }],
    ['cnf', 'thumbprint'],
    ['cnf', null],
  ])('refuses %s = %j', (claim, value) => {
    expect(readLocalClaims({ ...payload(), [claim]: value }, 'aud')).toBeUndefined();
  });
});
