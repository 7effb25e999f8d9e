import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { AuditEventEntity, AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { ModelVersionEntity } from '@infergate/model-registry';
import { callerWithRole, type TestCaller } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { call, createOrg, httpEndpoint, modelsDirWithOneFile, stable, UPSTREAM_SECRET } from './support';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('model registry API (e2e)', () => {
  let gateway: RunningGateway;
  let modelsDir: string;
  let orgA: string;
  let orgB: string;
  let publisher: TestCaller;
  let consumer: TestCaller;
  let orgAdmin: TestCaller;
  let publisherB: TestCaller;
  let auditor: TestCaller;
  let modelId: string;

  const as = (caller: TestCaller, method: string, path: string, body?: unknown) => call(gateway, caller.token, method, path, body);

  beforeAll(async () => {
    modelsDir = modelsDirWithOneFile();
    gateway = await startGateway({ MASTER_KEY: randomBytes(32).toString('base64'), MODELS_DIR: modelsDir });
    orgA = await createOrg(gateway, 'registry-a');
    orgB = await createOrg(gateway, 'registry-b');
    publisher = await callerWithRole(gateway.app, gateway.url, orgA, 'model-publisher');
    consumer = await callerWithRole(gateway.app, gateway.url, orgA, 'model-consumer');
    orgAdmin = await callerWithRole(gateway.app, gateway.url, orgA, 'org-admin');
    auditor = await callerWithRole(gateway.app, gateway.url, orgA, 'auditor');
    publisherB = await callerWithRole(gateway.app, gateway.url, orgB, 'model-publisher');
  }, 60_000);
  afterAll(async () => {
    await gateway.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('lets a publisher register a model in its own organization, once per name', async () => {
    const created = await as(publisher, 'POST', '/v1/models', {
      name: 'churn',
      description: 'Customer churn',
      tags: ['tabular', 'xgboost'],
      sensitivity: 'public',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'churn', orgId: orgA, projectId: null, owner: publisher.appId, status: 'active' });
    modelId = created.body.id;

    const again = await as(publisher, 'POST', '/v1/models', { name: 'churn' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(again.body.detail).toBe('A model named "churn" already exists in this organization.');

    // The same name in another organization is another model.
    expect((await as(publisherB, 'POST', '/v1/models', { name: 'churn', sensitivity: 'public' })).status).toBe(201);
    // A publisher cannot register into another organization.
    expect((await as(publisher, 'POST', '/v1/models', { name: 'intruder', orgId: orgB })).status).toBe(403);
    const invalid = await as(publisher, 'POST', '/v1/models', { name: '../etc', sensitivity: 'secret', extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/extra', '/name', '/sensitivity']);
  });

  it('registers versions numbered per model, keeping upstream secrets out of every answer and out of the table in clear', async () => {
    const first = await as(publisher, 'POST', `/v1/models/${modelId}/versions`, {
      backend: 'kserve-v2',
      endpoint: { ...httpEndpoint(), tls: { caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' } },
      inputContract: { features: [{ name: 'tenure', type: 'integer', minimum: 0 }] },
      region: 'eu-west-1',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      version: 1,
      stage: 'draft',
      status: 'active',
      backend: 'kserve-v2',
      sensitivity: 'public',
      endpoint: {
        kind: 'http',
        url: 'http://93.184.216.34/v2',
        headerNames: ['authorization'],
        tls: { customCa: true, clientCertificate: false },
      },
      cost: { units: 1, per: 'request' },
    });
    expect(first.text).not.toContain(UPSTREAM_SECRET);
    expect(first.text).not.toContain('BEGIN CERTIFICATE');

    const second = await as(publisher, 'POST', '/v1/models/churn/versions', {
      backend: 'onnx',
      endpoint: { kind: 'onnx', modelPath: 'demo/iris.onnx' },
    });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ version: 2, endpoint: { kind: 'onnx', modelPath: 'demo/iris.onnx' } });

    const row = await gateway.app.get(DatabaseService).repository(ModelVersionEntity).findOneByOrFail({ id: first.body.id });
    expect(row.endpointSealed).not.toContain('93.184.216.34');
    expect(row.endpointSealed).not.toContain(UPSTREAM_SECRET);

    for (const path of [`/v1/models/${modelId}/versions`, `/v1/models/${modelId}/versions/1`]) {
      const read = await as(publisher, 'GET', path);
      expect(read.status).toBe(200);
      expect(read.text).toContain('93.184.216.34');
      expect(read.text).not.toContain(UPSTREAM_SECRET);
    }
  });

  it('refuses private upstreams and model files outside MODELS_DIR with 422 pointers', async () => {
    for (const url of [
      'http://10.0.0.5/',
      'http://2130706433/',
      'http://good.com@127.0.0.1/',
      'http://[::ffff:169.254.169.254]/',
      'http://localhost:8080/',
    ]) {
      const refused = await as(publisher, 'POST', `/v1/models/${modelId}/versions`, {
        backend: 'http-json',
        endpoint: { kind: 'http', url },
      });
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(refused.body.errors).toEqual([{ pointer: '/endpoint/url', detail: expect.any(String) }]);
    }
    const escape = await as(publisher, 'POST', `/v1/models/${modelId}/versions`, {
      backend: 'onnx',
      endpoint: { kind: 'onnx', modelPath: '../../etc/passwd.onnx' },
    });
    expect(escape.status).toBe(422);
    expect(escape.body.errors[0].pointer).toBe('/endpoint/modelPath');
    const mismatch = await as(publisher, 'POST', `/v1/models/${modelId}/versions`, { backend: 'onnx', endpoint: httpEndpoint() });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors[0].pointer).toBe('/endpoint/kind');
    const badContract = await as(publisher, 'POST', `/v1/models/${modelId}/versions`, {
      backend: 'http-json',
      endpoint: httpEndpoint(),
      inputContract: { features: [{ name: 'x', type: 'enum' }] },
    });
    expect(badContract.status).toBe(400);
    expect(badContract.body.errors[0].pointer).toBe('/inputContract/features/0/values');
  });

  it('moves versions along the lifecycle only, requiring a reason where it matters, and audits who and why', async () => {
    const skip = await as(publisher, 'POST', `/v1/models/${modelId}/versions/1/transitions`, { to: 'production', reason: 'hurry' });
    expect(skip.status).toBe(409);
    expect(skip.body).toMatchObject({ from: 'draft', to: 'production', allowed: ['staging', 'archived'] });
    expect(skip.body.detail).toBe('A version in stage "draft" cannot move to "production"; allowed: staging, archived.');

    expect((await as(publisher, 'POST', `/v1/models/${modelId}/versions/1/transitions`, { to: 'staging' })).status).toBe(200);
    const unexplained = await as(publisher, 'POST', `/v1/models/${modelId}/versions/1/transitions`, { to: 'production' });
    expect(unexplained.status).toBe(400);
    expect(unexplained.body.errors).toEqual([{ pointer: '/reason', detail: 'A reason is required to move a version to production.' }]);
    const promoted = await as(publisher, 'POST', `/v1/models/${modelId}/versions/1/transitions`, {
      to: 'production',
      reason: 'AUC 0.91 on holdout',
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.stage).toBe('production');

    const history = await as(publisher, 'GET', `/v1/models/${modelId}/versions/1/transitions`);
    expect(history.body).toEqual([
      expect.objectContaining({ from: 'draft', to: 'staging', actor: `application:${publisher.appId}`, reason: null }),
      expect.objectContaining({
        from: 'staging',
        to: 'production',
        actor: `application:${publisher.appId}`,
        reason: 'AUC 0.91 on holdout',
      }),
    ]);
    await gateway.app.get(AuditService).flush();
    const audited = await gateway.app
      .get(DatabaseService)
      .repository(AuditEventEntity)
      .findBy({ action: 'registry.version.transition', resourceId: promoted.body.id });
    expect(audited.map((event) => ({ actor: event.actorId, reason: event.reason, to: event.details?.to, org: event.orgId }))).toEqual(
      expect.arrayContaining([{ actor: publisher.appId, reason: 'AUC 0.91 on holdout', to: 'production', org: orgA }]),
    );
    // Consumers and org admins read the version but may not move it.
    expect((await as(consumer, 'POST', `/v1/models/${modelId}/versions/1/transitions`, { to: 'deprecated', reason: 'x' })).status).toBe(
      403,
    );
    expect((await as(orgAdmin, 'POST', `/v1/models/${modelId}/versions/1/transitions`, { to: 'deprecated', reason: 'x' })).status).toBe(
      403,
    );
  });

  it('lets publishers move ordinary aliases, and only those who administer the model move protected ones', async () => {
    const champion = await as(publisher, 'PUT', `/v1/models/${modelId}/aliases/champion`, { version: 1, reason: 'best so far' });
    expect(champion.status).toBe(200);
    expect(champion.body).toMatchObject({ name: 'champion', version: 1, protected: false, updatedBy: `application:${publisher.appId}` });

    const production = await as(publisher, 'PUT', `/v1/models/${modelId}/aliases/production`, { version: 1, reason: 'go live' });
    expect(production.status).toBe(403);
    expect((await as(publisher, 'PUT', `/v1/models/${modelId}/aliases/guarded`, { version: 1, protected: true })).status).toBe(403);

    const byAdmin = await as(orgAdmin, 'PUT', `/v1/models/${modelId}/aliases/production`, { version: 1, reason: 'go live' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ name: 'production', version: 1, protected: true });
    expect((await as(publisher, 'DELETE', `/v1/models/${modelId}/aliases/production`)).status).toBe(403);
    expect((await as(orgAdmin, 'PUT', `/v1/models/${modelId}/aliases/production`, { version: 1, protected: false })).status).toBe(400);

    // A draft is never reached through an alias.
    const draft = await as(publisher, 'PUT', `/v1/models/${modelId}/aliases/canary`, { version: 2 });
    expect(draft.status).toBe(409);
    const missing = await as(publisher, 'PUT', `/v1/models/${modelId}/aliases/canary`, { version: 99 });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].pointer).toBe('/version');

    const list = await as(consumer, 'GET', `/v1/models/${modelId}/aliases`);
    expect(list.status).toBe(200);
    expect(
      list.body.map((alias: { name: string; version: number; protected: boolean }) => [alias.name, alias.version, alias.protected]),
    ).toEqual([
      ['champion', 1, false],
      ['production', 1, true],
    ]);
    await gateway.app.get(AuditService).flush();
    const moves = await gateway.app.get(DatabaseService).repository(AuditEventEntity).findBy({ action: 'registry.alias.moved' });
    expect(moves.map((event) => [event.actorId, event.details?.alias, event.reason])).toEqual(
      expect.arrayContaining([
        [publisher.appId, 'champion', 'best so far'],
        [orgAdmin.appId, 'production', 'go live'],
      ]),
    );

    // An aliased version cannot be archived away under its alias.
    await as(publisher, 'POST', `/v1/models/${modelId}/versions/1/transitions`, { to: 'deprecated', reason: 'v3 coming' });
    const archive = await as(publisher, 'POST', `/v1/models/${modelId}/versions/1/transitions`, { to: 'archived', reason: 'gone' });
    expect(archive.status).toBe(409);
    expect(archive.body.detail).toBe('Aliases point at this version (champion, production); move or delete them first.');
    expect((await as(publisher, 'DELETE', `/v1/models/${modelId}/aliases/champion?reason=retired`)).status).toBe(204);
    expect((await as(publisher, 'DELETE', `/v1/models/${modelId}/aliases/champion`)).status).toBe(404);
  });

  it('shows consumers versions without backend, endpoint or PII rule', async () => {
    for (const path of [`/v1/models/${modelId}/versions/1`, `/v1/models/churn/versions/1`]) {
      const read = await as(consumer, 'GET', path);
      expect(read.status).toBe(200);
      expect(Object.keys(read.body).sort()).toEqual(
        [
          'id',
          'modelId',
          'version',
          'stage',
          'status',
          'region',
          'sensitivity',
          'inputContract',
          'outputSchema',
          'cost',
          'deprecation',
          'createdAt',
          'updatedAt',
        ].sort(),
      );
      expect(read.text).not.toContain('93.184.216.34');
    }
    const list = await as(consumer, 'GET', `/v1/models/${modelId}/versions`);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) expect(item).not.toHaveProperty('endpoint');
    expect(list.text).not.toContain('kserve-v2');
    expect((await as(consumer, 'PATCH', `/v1/models/${modelId}`, { description: 'mine now' })).status).toBe(403);
    expect((await as(auditor, 'GET', `/v1/models/${modelId}`)).status).toBe(403);
  });

  it('answers another organization exactly like nothing at all, on every registry route', async () => {
    const nothing = randomUUID();
    const paths = (id: string) =>
      [
        ['GET', `/v1/models/${id}`],
        ['PATCH', `/v1/models/${id}`, { description: 'x' }],
        ['GET', `/v1/models/${id}/versions`],
        ['POST', `/v1/models/${id}/versions`, { backend: 'http-json', endpoint: httpEndpoint() }],
        ['GET', `/v1/models/${id}/versions/1`],
        ['PATCH', `/v1/models/${id}/versions/1`, { status: 'disabled' }],
        ['GET', `/v1/models/${id}/versions/1/transitions`],
        ['POST', `/v1/models/${id}/versions/1/transitions`, { to: 'deprecated', reason: 'x' }],
        ['GET', `/v1/models/${id}/aliases`],
        ['PUT', `/v1/models/${id}/aliases/champion`, { version: 1 }],
        ['DELETE', `/v1/models/${id}/aliases/production`],
      ] as const;
    const hidden = paths(modelId);
    const missing = paths(nothing);
    for (const [index, [method, path, body]] of hidden.entries()) {
      const answer = await as(publisherB, method, path, body);
      const baseline = await as(publisherB, missing[index][0], missing[index][1], missing[index][2]);
      expect([method, path, answer.status]).toEqual([method, path, 404]);
      expect(stable(answer.body)).toEqual(stable(baseline.body));
      expect(answer.headers.get('content-type')).toBe(baseline.headers.get('content-type'));
    }
    // By name, another organization's "churn" is B's own model, never A's.
    const byName = await as(publisherB, 'GET', '/v1/models/churn');
    expect(byName.status).toBe(200);
    expect(byName.body.orgId).toBe(orgB);
    const list = await as(publisherB, 'GET', '/v1/models?limit=200');
    expect(list.body.items.map((model: { orgId: string }) => model.orgId)).toEqual([orgB]);
    expect(list.body.total).toBe(1);
  });

  it('lists with filters and paging, narrowed in SQL to what the caller may see', async () => {
    await as(publisher, 'POST', '/v1/models', { name: 'fraud-score', tags: ['realtime'], sensitivity: 'confidential' });
    await as(publisher, 'POST', '/v1/models', { name: 'fraud_rules', tags: ['rules'], sensitivity: 'public' });
    const names = async (caller: TestCaller, query: string): Promise<string[]> => {
      const page = (await as(caller, 'GET', `/v1/models?${query}`)).body as { items: { name: string }[] };
      return page.items.map((model) => model.name);
    };
    expect(await names(publisher, 'limit=200')).toEqual(['churn', 'fraud-score', 'fraud_rules']);
    expect(await names(publisher, 'name=fraud')).toEqual(['fraud-score', 'fraud_rules']);
    expect(await names(publisher, 'name=fraud_')).toEqual(['fraud_rules']);
    expect(await names(publisher, 'tag=realtime')).toEqual(['fraud-score']);
    expect(await names(publisher, 'tag=tabular')).toEqual(['churn']);
    expect(await names(publisher, 'sensitivity=confidential')).toEqual(['fraud-score']);
    expect(await names(publisher, 'stage=production')).toEqual([]);
    expect(await names(publisher, 'stage=deprecated')).toEqual(['churn']);
    // A consumer with public clearance never sees the confidential model, not even in the total.
    const forConsumer = await as(consumer, 'GET', '/v1/models?limit=1');
    expect(forConsumer.body.total).toBe(2);
    expect(forConsumer.body.items).toHaveLength(1);
    expect((await as(consumer, 'GET', '/v1/models/fraud-score')).status).toBe(404);
    expect((await as(publisher, 'GET', '/v1/models?limit=0')).status).toBe(400);
  });

  it('lets an org admin switch a model off (administer) but not edit it', async () => {
    const created = await as(publisher, 'POST', '/v1/models', { name: 'switch-me', sensitivity: 'public' });
    expect((await as(orgAdmin, 'PATCH', `/v1/models/${created.body.id}`, { description: 'not mine' })).status).toBe(403);
    const off = await as(orgAdmin, 'PATCH', `/v1/models/${created.body.id}`, { status: 'disabled' });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('disabled');
    const edited = await as(publisher, 'PATCH', `/v1/models/${created.body.id}`, { sensitivity: 'internal', tags: ['x'] });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ sensitivity: 'internal', tags: ['x'], status: 'disabled' });
  });

  it('keeps versions in step with their model and validates deprecation details', async () => {
    const created = await as(publisher, 'POST', '/v1/models', { name: 'sensitive-later', sensitivity: 'public' });
    const id = created.body.id as string;
    await as(publisher, 'POST', `/v1/models/${id}/versions`, { backend: 'http-json', endpoint: httpEndpoint() });
    await as(publisher, 'POST', `/v1/models/${id}/versions`, { backend: 'http-json', endpoint: httpEndpoint() });
    expect((await as(consumer, 'GET', `/v1/models/${id}/versions/1`)).status).toBe(200);
    await as(publisher, 'PATCH', `/v1/models/${id}`, { sensitivity: 'restricted' });
    expect((await as(consumer, 'GET', `/v1/models/${id}/versions/1`)).status).toBe(404);

    const self = await as(publisher, 'PATCH', `/v1/models/${id}/versions/1`, {
      deprecation: { deprecatedAt: '2026-01-01T00:00:00Z', successorVersion: 1 },
    });
    expect(self.status).toBe(400);
    const backwards = await as(publisher, 'PATCH', `/v1/models/${id}/versions/1`, {
      deprecation: { deprecatedAt: '2026-06-01T00:00:00Z', sunsetAt: '2026-01-01T00:00:00Z' },
    });
    expect(backwards.body.errors[0].pointer).toBe('/deprecation/sunsetAt');
    const ok = await as(publisher, 'PATCH', `/v1/models/${id}/versions/1`, {
      deprecation: { deprecatedAt: '2026-01-01T00:00:00Z', sunsetAt: '2026-06-01T00:00:00Z', successorVersion: 2 },
      endpoint: httpEndpoint('/v3'),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.endpoint.url).toBe('http://93.184.216.34/v3');
    expect(ok.body.deprecation).toEqual({ deprecatedAt: '2026-01-01T00:00:00Z', sunsetAt: '2026-06-01T00:00:00Z', successorVersion: 2 });
    const badEndpoint = await as(publisher, 'PATCH', `/v1/models/${id}/versions/1`, {
      endpoint: { kind: 'http', url: 'http://192.168.0.1/' },
    });
    expect(badEndpoint.status).toBe(422);
  });
});
