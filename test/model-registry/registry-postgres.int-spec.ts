import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DatabaseService } from '@infergate/database';
import { MODEL_RESOLVER, type ModelResolver } from '@infergate/model-registry';
import { callerWithRole, type TestCaller } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { createTestDatabase, dropTestDatabase, queryRows } from '../support/postgres';
import { call, createOrg, httpEndpoint, modelsDirWithOneFile } from './support';

/**
 * The registry's SQL on PostgreSQL: the migration, per-model numbering, LIKE filters with escapes,
 * the stage filter's sub-query, the alias join and the policy's conditions pushed into WHERE.
 */
describe('model registry on PostgreSQL', () => {
  let databaseUrl: string;
  let modelsDir: string;
  let gateway: RunningGateway;
  let publisher: TestCaller;
  let consumer: TestCaller;
  let orgAdmin: TestCaller;
  let outsider: TestCaller;

  const as = (caller: TestCaller, method: string, path: string, body?: unknown) => call(gateway, caller.token, method, path, body);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    modelsDir = modelsDirWithOneFile();
    gateway = await startGateway({ DATABASE_URL: databaseUrl, MASTER_KEY: randomBytes(32).toString('base64'), MODELS_DIR: modelsDir });
    const orgA = await createOrg(gateway, 'pg-a');
    const orgB = await createOrg(gateway, 'pg-b');
    publisher = await callerWithRole(gateway.app, gateway.url, orgA, 'model-publisher');
    consumer = await callerWithRole(gateway.app, gateway.url, orgA, 'model-consumer');
    orgAdmin = await callerWithRole(gateway.app, gateway.url, orgA, 'org-admin');
    outsider = await callerWithRole(gateway.app, gateway.url, orgB, 'model-publisher');
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await dropTestDatabase(databaseUrl);
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('runs the whole registry flow with the same answers as on SQLite', async () => {
    expect(gateway.app.get(DatabaseService).driver).toBe('postgres');
    const model = (await as(publisher, 'POST', '/v1/models', { name: 'pg_model', tags: ['a_b'], sensitivity: 'public' })).body;
    await as(publisher, 'POST', '/v1/models', { name: 'pgXmodel', tags: ['aXb'], sensitivity: 'confidential' });
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await as(publisher, 'POST', `/v1/models/${model.id}/versions`, { backend: 'http-json', endpoint: httpEndpoint() })).body.version,
      ).toBe(i + 1);
    }
    await as(publisher, 'POST', `/v1/models/${model.id}/versions/2/transitions`, { to: 'staging' });
    await as(publisher, 'POST', `/v1/models/${model.id}/versions/2/transitions`, { to: 'production', reason: 'pg' });
    expect((await as(orgAdmin, 'PUT', `/v1/models/${model.id}/aliases/production`, { version: 2, reason: 'pg' })).status).toBe(200);

    const names = async (caller: TestCaller, query: string): Promise<string[]> =>
      ((await as(caller, 'GET', `/v1/models?${query}`)).body as { items: { name: string }[] }).items.map((m) => m.name);
    expect(await names(publisher, 'name=pg_')).toEqual(['pg_model']);
    expect(await names(publisher, 'tag=a_b')).toEqual(['pg_model']);
    expect(await names(publisher, 'stage=production')).toEqual(['pg_model']);
    expect(await names(consumer, 'limit=200')).toEqual(['pg_model']);
    expect(await names(outsider, 'limit=200')).toEqual([]);

    const aliases = await as(consumer, 'GET', `/v1/models/${model.id}/aliases`);
    expect(aliases.body).toEqual([expect.objectContaining({ name: 'production', version: 2, protected: true })]);
    const versions = await as(consumer, 'GET', `/v1/models/${model.id}/versions?stage=production`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2]);
    expect(versions.body.items[0]).not.toHaveProperty('endpoint');

    const consumerPrincipalOrg = model.orgId as string;
    const resolved = await gateway.app.get<ModelResolver>(MODEL_RESOLVER).resolve(
      {
        kind: 'application',
        subject: consumer.appId,
        orgId: consumerPrincipalOrg,
        projectIds: [],
        roles: [{ role: 'model-consumer', orgId: consumerPrincipalOrg, projectId: null }],
        scopes: ['infer'],
        clearance: 'public',
        allowedRegions: [],
        allowedCidrs: [],
        authMethod: 'access_token',
      },
      'pg_model',
    );
    expect(resolved.version.version).toBe(2);

    const [row] = await queryRows<{ transitions: string }>(
      databaseUrl,
      'SELECT count(*)::text AS transitions FROM model_stage_transitions',
    );
    expect(row.transitions).toBe('2');
  });
});
