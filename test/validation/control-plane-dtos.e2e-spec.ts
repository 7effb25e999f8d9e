import { randomBytes } from 'node:crypto';
import { SCOPES } from '@infergate/contracts';
import { ApiKeysService, ApplicationsService, BOOTSTRAP_APPLICATION_ID, OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { RunningGateway, startGateway } from '../support/in-process-gateway';

/**
 * The class-validator pitfalls, attacked over HTTP against the real gateway and its global pipe: each
 * case is one a careless DTO or pipe configuration lets through (or turns into a 500).
 */
describe('control-plane DTOs under the global ValidationPipe (e2e)', () => {
  let gateway: RunningGateway;
  let adminKey: string;
  let orgId: string;
  let appId: string;

  const send = async (method: string, path: string, raw?: string) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { 'x-api-key': adminKey, ...(raw === undefined ? {} : { 'content-type': 'application/json' }) },
      body: raw,
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  };
  const admin = (method: string, path: string, body?: unknown) => send(method, path, body === undefined ? undefined : JSON.stringify(body));
  const errorsOf = async (method: string, path: string, body?: unknown) => {
    const response = await admin(method, path, body);
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('urn:infergate:problem:validation-failed');
    return response.body.errors as { pointer: string; detail: string }[];
  };
  const issuer = (change: Record<string, unknown> = {}) => ({
    issuer: `https://idp-${randomBytes(4).toString('hex')}.example.com`,
    jwksUri: 'https://idp.example.com/jwks',
    audience: 'infergate',
    algorithms: ['RS256'],
    ...change,
  });

  beforeAll(async () => {
    gateway = await startGateway({
      MASTER_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_CLIENT_ID: 'bootstrap-validation',
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'bootstrap-validation-secret-0123456789',
      FAILED_AUTH_SLOW_AFTER: '1000',
      FAILED_AUTH_BLOCK_AFTER: '1000',
    });
    const orgs = await gateway.app.get(OrganizationsService).list(SYSTEM_PRINCIPAL, { limit: 200, offset: 0 });
    const platformOrg = orgs.items.find((org) => org.name === 'platform')!.id;
    const platform = await gateway.app.get(ApplicationsService).findReadable(SYSTEM_PRINCIPAL, platformOrg, BOOTSTRAP_APPLICATION_ID);
    adminKey = (
      await gateway.app.get(ApiKeysService).create(SYSTEM_PRINCIPAL, platform.orgId, platform.id, { name: 'v', scopes: [...SCOPES] })
    ).key;
    orgId = (await admin('POST', '/v1/admin/organizations', { name: 'validation-org' })).body.id;
    appId = (await admin('POST', `/v1/admin/organizations/${orgId}/applications`, { name: 'svc', allowedScopes: ['infer'] })).body.id;
  });
  afterAll(() => gateway.close());

  describe('bodies that are not objects answer 400, never 500', () => {
    it.each([
      ['an array', '[{"name":"acme"}]'],
      ['a string', '"acme"'],
      ['a number', '42'],
      ['true', 'true'],
    ])('%s', async (_case, raw) => {
      const response = await send('POST', '/v1/admin/organizations', raw);
      expect(response.status).toBe(400);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
      expect(response.body.errors).toEqual([{ pointer: '', detail: 'Must be a JSON object.' }]);
    });

    it('null: an empty body, whose required fields are missing', async () => {
      const response = await send('POST', '/v1/admin/organizations', 'null');
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual(['/name']);
    });
  });

  describe('nested objects', () => {
    it('are checked against their class, not passed through as plain objects', async () => {
      expect(await errorsOf('POST', '/v1/admin/issuers', issuer({ claimMapping: { org: 5, roles: '' } }))).toEqual([
        { pointer: '/claimMapping/org', detail: 'Must be a string.' },
        { pointer: '/claimMapping/roles', detail: 'Must be at least 1 character.' },
      ]);
    });

    it('refuse unknown nested fields at their own pointer', async () => {
      const introspection = { clientId: 'c', clientSecret: 's', endpoint: 'https://idp.example.com/introspect', scope: 'x' };
      expect(await errorsOf('POST', '/v1/admin/issuers', issuer({ introspection }))).toEqual([
        { pointer: '/introspection/scope', detail: 'This field is not allowed.' },
      ]);
      const principal = { roles: [], orgId, kind: 'user' };
      expect(await errorsOf('POST', '/v1/authz/explain', { principal, action: 'read', subject: 'Model' })).toEqual([
        { pointer: '/principal/kind', detail: 'This field is not allowed.' },
      ]);
    });

    it('refuse an array or a primitive where an object belongs', async () => {
      expect(await errorsOf('POST', '/v1/admin/issuers', issuer({ claimMapping: [{ org: 'org' }] }))).toEqual([
        { pointer: '/claimMapping', detail: 'Must be an object.' },
      ]);
      expect(await errorsOf('POST', '/v1/authz/explain', { principal: 'admin', action: 'read', subject: 'Model' })).toEqual([
        { pointer: '/principal', detail: 'Must be an object.' },
      ]);
    });

    it('name a cross-field violation at the member it is about', async () => {
      const introspection = { clientId: 'c', clientSecret: 's' };
      expect(await errorsOf('POST', '/v1/admin/issuers', issuer({ introspection }))).toEqual([
        { pointer: '/introspection/endpoint', detail: 'an introspection client needs an endpoint or discovery: true' },
      ]);
    });
  });

  it('points at the failing items of arrays, nested ones included', async () => {
    const keys = [{ kty: 'EC' }, { kty: 'EC' }, { kty: 'EC', d: 'private' }];
    expect(await errorsOf('POST', `/v1/admin/organizations/${orgId}/applications`, { name: 'jwt', jwks: { keys } })).toEqual([
      { pointer: '/jwks/keys/2', detail: 'Register public keys only.' },
    ]);
    expect(
      await errorsOf('POST', '/v1/admin/organizations', { name: 'cidrs', allowedCidrs: ['10.0.0.0/8', '10.1.0.0/16', 'nope'] }),
    ).toEqual([{ pointer: '/allowedCidrs/2', detail: 'Must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8.' }]);
  });

  describe('prototype pollution', () => {
    afterEach(() => expect(({} as Record<string, unknown>).polluted).toBeUndefined());

    it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key in a body, at any depth', async (key) => {
      const top = await send('POST', '/v1/admin/organizations', `{"name":"p","${key}":{"polluted":true}}`);
      expect(top.status).toBe(400);
      const nested = await send(
        'POST',
        '/v1/admin/issuers',
        JSON.stringify(issuer()).replace('"audience"', `"claimMapping":{"${key}":{"polluted":true}},"audience"`),
      );
      expect(nested.status).toBe(400);
    });

    it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key in a query string', async (key) => {
      const response = await admin('GET', `/v1/admin/organizations?${key}=x&limit=5`);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ pointer: `/${key}`, detail: 'This field is not allowed.' }]);
    });
  });

  describe('no implicit conversion', () => {
    it('refuses a numeric string in a number field of a body', async () => {
      expect(await errorsOf('POST', '/v1/admin/issuers', issuer({ clockSkewSeconds: '30' }))).toEqual([
        { pointer: '/clockSkewSeconds', detail: 'Must be an integer.' },
      ]);
    });

    it('refuses "true" in a boolean field of a body', async () => {
      expect(await errorsOf('POST', '/v1/admin/issuers', issuer({ discovery: 'true' }))).toEqual([
        { pointer: '/discovery', detail: 'Must be true or false.' },
      ]);
    });

    it.each(['abc', '1.5', '0', '201', '', '-1', '5&limit=6'])('refuses limit=%s in a query', async (limit) => {
      const errors = await errorsOf('GET', `/v1/admin/organizations?limit=${limit}`);
      expect(errors.map((error) => error.pointer)).toEqual(['/limit']);
    });

    it('converts a query number only where the DTO says so', async () => {
      expect((await admin('GET', '/v1/admin/organizations?limit=1&offset=0')).body).toMatchObject({ limit: 1, offset: 0 });
    });
  });

  describe('boolean query parameters', () => {
    it('"false" stays false: revoked keys stay hidden', async () => {
      const path = `/v1/admin/organizations/${orgId}/applications/${appId}/api-keys`;
      const created = await admin('POST', path, { name: 'gone', scopes: ['infer'] });
      expect(created.status).toBe(201);
      expect((await admin('DELETE', `${path}/${created.body.id}`)).status).toBe(204);
      expect((await admin('GET', `${path}?includeRevoked=false`)).body.items).toEqual([]);
      expect((await admin('GET', `${path}?includeRevoked=true`)).body.items).toEqual([expect.objectContaining({ id: created.body.id })]);
    });

    it.each(['0', '1', 'yes', 'TRUE', ''])('refuses includeRevoked=%s', async (value) => {
      const errors = await errorsOf('GET', `/v1/admin/organizations/${orgId}/applications/${appId}/api-keys?includeRevoked=${value}`);
      expect(errors).toEqual([{ pointer: '/includeRevoked', detail: 'must be true or false' }]);
    });
  });

  it('documents a schema for every request body of these routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${gateway.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const bodies: [string, string, string][] = [
      ['/v1/admin/organizations', 'post', 'CreateOrganizationDto'],
      ['/v1/admin/organizations/{orgId}', 'patch', 'UpdateOrganizationDto'],
      ['/v1/admin/organizations/{orgId}/applications', 'post', 'CreateApplicationDto'],
      ['/v1/admin/issuers', 'post', 'CreateTrustedIssuerDto'],
      ['/v1/admin/issuers/{id}', 'patch', 'UpdateTrustedIssuerDto'],
      ['/v1/authz/explain', 'post', 'ExplainRequestDto'],
    ];
    for (const [path, method, schema] of bodies) {
      expect(doc.paths[path]?.[method]?.requestBody?.content['application/json'].schema.$ref).toBe(`#/components/schemas/${schema}`);
      expect(Object.keys(doc.components.schemas[schema].properties ?? {}).length).toBeGreaterThan(0);
    }
  });
});
