import { claimAt, mapExternalClaims, stringList } from './external-claims';

describe(mapExternalClaims.name, () => {
  it('maps a Keycloak access token (realm and client roles, space-separated scope)', () => {
    const mapped = mapExternalClaims(
      {
        sub: 'f:1234',
        azp: 'web-app',
        typ: 'Bearer',
        scope: 'openid infer models:read profile',
        realm_access: { roles: ['model-consumer', 'offline_access'] },
        resource_access: { infergate: { roles: ['auditor'] }, other: { roles: ['org-admin'] } },
        org_id: 'org-1',
        email: 'ada@example.com',
        name: 'Ada',
      },
      {},
      'infergate',
    );
    expect(mapped).toEqual({
      kind: 'user',
      subject: 'f:1234',
      clientId: 'web-app',
      org: 'org-1',
      roles: ['model-consumer', 'offline_access', 'auditor'],
      scopes: ['infer', 'models:read'],
      clearance: 'public',
      projects: [],
      regions: undefined,
      email: 'ada@example.com',
      displayName: 'Ada',
    });
  });

  it('maps an Okta token (scp array, custom claims, client credentials without a user)', () => {
    const mapping = { org: 'tenant', roles: 'groups', clearance: 'data_clearance' };
    const user = mapExternalClaims(
      { sub: '00u1', cid: '0oa1', scp: ['infer', 'openid'], groups: ['model-publisher'], tenant: 'org-2', data_clearance: 'internal' },
      mapping,
      'api://default',
    );
    expect(user).toMatchObject({
      kind: 'user',
      subject: '00u1',
      clientId: '0oa1',
      roles: ['model-publisher'],
      scopes: ['infer'],
      clearance: 'internal',
    });
    const app = mapExternalClaims({ sub: '0oa1', cid: '0oa1', scp: ['infer'] }, mapping, 'api://default');
    expect(app).toMatchObject({ kind: 'application', subject: '0oa1' });
  });

  it('maps Entra ID tokens (scp as a space string for users, idtyp app for applications)', () => {
    const user = mapExternalClaims(
      { sub: 'abc', oid: 'o1', azp: 'client-guid', scp: 'infer models:read', roles: ['model-consumer'], upn: 'u@x' },
      {},
      'aud',
    );
    expect(user).toMatchObject({ kind: 'user', subject: 'abc', scopes: ['infer', 'models:read'], roles: ['model-consumer'], email: 'u@x' });
    const app = mapExternalClaims({ sub: 'sp-oid', appid: 'client-guid', idtyp: 'app', roles: ['model-consumer'] }, {}, 'aud');
    expect(app).toMatchObject({ kind: 'application', subject: 'client-guid', clientId: 'client-guid' });
  });

  it('drops unknown scopes and clearances instead of widening', () => {
    const mapped = mapExternalClaims({ sub: 'u', scope: 'admin:everything infer', clearance: 'top-secret' }, {}, 'a');
    expect(mapped).toMatchObject({ scopes: ['infer'], clearance: 'public' });
  });

  it('returns undefined when there is no subject at all', () => {
    expect(mapExternalClaims({ scope: 'infer' }, {}, 'a')).toBeUndefined();
  });
});

describe(claimAt.name, () => {
  it('prefers a top-level namespaced claim, walks dotted paths and substitutes {audience}', () => {
    const claims = { 'https://example.com/roles': ['x'], a: { b: { c: 1 } }, resource_access: { api: { roles: ['r'] } } };
    expect(claimAt(claims, 'https://example.com/roles', 'api')).toEqual(['x']);
    expect(claimAt(claims, 'a.b.c', 'api')).toBe(1);
    expect(claimAt(claims, 'resource_access.{audience}.roles', 'api')).toEqual(['r']);
    expect(claimAt(claims, 'a.__proto__.x', 'api')).toBeUndefined();
  });

  it('reads lists from arrays or space-separated strings', () => {
    expect(stringList('a  b')).toEqual(['a', 'b']);
    expect(stringList(['a', 1, ''])).toEqual(['a']);
    expect(stringList({})).toEqual([]);
  });
});
