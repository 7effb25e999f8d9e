import { createHash } from 'node:crypto';
import { AuditEventEntity, AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { ApplicationsService, OrganizationsService, RoleBindingsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { GatewayMetrics } from '@infergate/observability';
import { callerWithRole, issueToken, type TestCaller } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { startKserveServer, type TestModelServer } from './support/model-servers';
import { patchVersion, registerAndPromote } from './support/registry-client';

/**
 * Issue #6's acceptance through the inference surfaces, against a real KServe v2 server on 127.0.0.1:
 * a model registered with an input contract and promoted is called through its alias; requests that
 * break the contract are refused with pointers and the model server receives nothing; another
 * organization's model is 404 on every inference route; data residency is 403; a deprecated version
 * says so in headers; PII rules and Idempotency-Key work on the inference path.
 */
const SCORER_CONTRACT = {
  features: [
    { name: 'x', type: 'number', minimum: -100, maximum: 100 },
    { name: 'note', type: 'string', maxLength: 10, required: false },
    { name: 'vec', type: 'tensor', datatype: 'FP32', shape: [-1, 3], required: false },
  ],
  maxBatch: 10,
};

describe('inference: registered contracts enforced before anything goes upstream', () => {
  let gateway: RunningGateway;
  let server: TestModelServer;
  let publisher: TestCaller;
  let consumer: TestCaller;
  let otherOrgConsumer: TestCaller;
  let euConsumerToken: string;

  const request = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    server = await startKserveServer('scorer');
    gateway = await startGateway({
      UPSTREAM_ALLOWLIST: '127.0.0.1/32',
      BOOTSTRAP_ADMIN_CLIENT_ID: 'inference-admin',
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'inference-admin-secret-for-tests-only',
    });
    const organizations = gateway.app.get(OrganizationsService);
    const orgA = await organizations.create(SYSTEM_PRINCIPAL, {
      name: 'infer-org-a',
      allowedRegions: ['eu-west'],
      allowedCidrs: [],
      maxClearance: 'restricted',
    });
    const orgB = await organizations.create(SYSTEM_PRINCIPAL, {
      name: 'infer-org-b',
      allowedRegions: [],
      allowedCidrs: [],
      maxClearance: 'restricted',
    });
    publisher = await callerWithRole(gateway.app, gateway.url, orgA.id, 'model-publisher');
    consumer = await callerWithRole(gateway.app, gateway.url, orgA.id, 'model-consumer');
    otherOrgConsumer = await callerWithRole(gateway.app, gateway.url, orgB.id, 'model-consumer');
    const euApp = await gateway.app.get(ApplicationsService).create(SYSTEM_PRINCIPAL, orgA.id, {
      name: 'eu-consumer',
      authMethod: 'client_secret_basic',
      allowedScopes: ['infer'],
      clearance: 'public',
      allowedRegions: ['eu-west'],
      allowedCidrs: [],
    });
    await gateway.app
      .get(RoleBindingsService)
      .create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: euApp.id, role: 'model-consumer', orgId: orgA.id });
    euConsumerToken = await issueToken(gateway.url, euApp.clientId, euApp.clientSecret!, ['infer']);

    const kserve = { kind: 'http', url: server.url, upstreamModel: 'scorer' };
    await registerAndPromote(gateway.url, publisher.token, 'scorer', {
      backend: 'kserve-v2',
      endpoint: kserve,
      inputContract: SCORER_CONTRACT,
    });
    await registerAndPromote(gateway.url, publisher.token, 'eu-scorer', {
      backend: 'kserve-v2',
      endpoint: kserve,
      inputContract: SCORER_CONTRACT,
      region: 'eu-west',
    });
    await registerAndPromote(gateway.url, publisher.token, 'legacy', {
      backend: 'kserve-v2',
      endpoint: kserve,
      inputContract: SCORER_CONTRACT,
    });
    await patchVersion(gateway.url, publisher.token, 'legacy', 1, {
      deprecation: { deprecatedAt: '2026-01-01T00:00:00Z', sunsetAt: '2027-06-30T00:00:00Z' },
    });
    await registerAndPromote(gateway.url, publisher.token, 'notes', {
      backend: 'http-json',
      endpoint: { kind: 'http', url: `${server.url}/echo` },
      inputContract: { features: [{ name: 'text', type: 'string', maxLength: 500 }], maxBatch: 10 },
      piiRule: { input: { email: 'reject', phone: 'redact' }, output: { iban: 'block' } },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await server?.close();
  });

  it('infers through the production alias on the native and the OIP v2 routes, with real OIP payloads upstream', async () => {
    const before = server.log.inferCalls;
    const native = await request(consumer.token, 'POST', '/v1/models/scorer/infer', { instances: [{ x: 3 }, { x: -1.5 }] });
    expect(native.status).toBe(200);
    expect(await native.json()).toEqual({ model: 'scorer', version: 1, outputs: [{ x_score: 7 }, { x_score: -2 }] });
    const sent = JSON.parse(server.log.requests.at(-1)!.body);
    expect(server.log.requests.at(-1)!.url).toBe('/v2/models/scorer/infer');
    expect(sent.inputs).toEqual([{ name: 'x', datatype: 'FP64', shape: [2], data: [3, -1.5] }]);
    expect(server.log.requests.at(-1)!.headers.authorization).toBeUndefined();

    const v2 = await request(consumer.token, 'POST', '/v2/models/scorer/infer', {
      id: 'abc',
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [2], data: [1, 2] },
        {
          name: 'vec',
          datatype: 'FP32',
          shape: [2, 3],
          data: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
      ],
    });
    expect(v2.status).toBe(200);
    const body = (await v2.json()) as {
      model_name: string;
      model_version: string;
      id: string;
      outputs: Array<{ name: string; data: number[] }>;
    };
    expect(body).toMatchObject({ model_name: 'scorer', model_version: '1', id: 'abc' });
    expect(body.outputs.find((output) => output.name === 'vec_score')!.data).toEqual([3, 5, 7, 9, 11, 13]);
    expect(server.log.inferCalls).toBe(before + 2);
  });

  it.each([
    ['an unknown feature', '/v1/models/scorer/infer', { inputs: { x: 1, colour: 'red' } }, 422, '/inputs/colour'],
    ['an out-of-range number', '/v1/models/scorer/infer', { instances: [{ x: 1 }, { x: 100.5 }] }, 422, '/instances/1/x'],
    ['an over-long string', '/v1/models/scorer/infer', { inputs: { x: 1, note: 'much too long' } }, 422, '/inputs/note'],
    ['a missing required feature', '/v1/models/scorer/versions/1/infer', { inputs: { note: 'hi' } }, 422, '/inputs/x'],
    [
      'a wrong tensor shape (OIP v2)',
      '/v2/models/scorer/infer',
      {
        inputs: [
          { name: 'x', datatype: 'FP32', shape: [1], data: [1] },
          { name: 'vec', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] },
        ],
      },
      422,
      '/inputs/1/shape',
    ],
    [
      'a scalar feature sent as a matrix (OIP v2)',
      '/v2/models/scorer/infer',
      { inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4] }] },
      422,
      '/inputs/0/shape',
    ],
    ['a body of the wrong shape', '/v1/models/scorer/infer', { rows: [] }, 400, ''],
  ])('refuses %s with a pointer, and the model server receives nothing', async (_case, path, body, status, pointer) => {
    const before = server.log.inferCalls;
    const response = await request(consumer.token, 'POST', path, body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: Array<{ pointer: string; detail: string }> };
    expect(problem.errors.map((error) => error.pointer)).toContain(pointer);
    expect(server.log.inferCalls).toBe(before);
  });

  it("answers another organization's model exactly like a missing one on every inference route, without calling it", async () => {
    const before = server.log.inferCalls;
    const routes: Array<[string, string, unknown]> = [
      ['POST', '/v1/models/scorer/infer', { inputs: { x: 1 } }],
      ['POST', '/v1/models/scorer/versions/1/infer', { inputs: { x: 1 } }],
      ['POST', '/v2/models/scorer/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }] }],
      ['POST', '/v2/models/scorer/versions/1/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }] }],
      ['GET', '/v2/models/scorer', undefined],
      ['GET', '/v2/models/scorer/ready', undefined],
      ['POST', '/openai/v1/chat/completions', { model: 'scorer', messages: [{ role: 'user', content: 'hi' }] }],
    ];
    for (const [method, path, body] of routes) {
      const hidden = await request(otherOrgConsumer.token, method, path, body);
      const missing = await request(otherOrgConsumer.token, method, path.replace('scorer', 'no-such-model'), body);
      expect([path, hidden.status]).toEqual([path, 404]);
      const strip = ({ instance: _i, requestId: _r, ...rest }: Record<string, unknown>) => rest;
      expect(strip((await hidden.json()) as Record<string, unknown>)).toEqual(strip((await missing.json()) as Record<string, unknown>));
    }
    // By id as well: the id of another organization's model is as unknown as its name.
    const { id } = (await (await request(publisher.token, 'GET', '/v1/models/scorer')).json()) as { id: string };
    expect((await request(otherOrgConsumer.token, 'POST', `/v1/models/${id}/infer`, { inputs: { x: 1 } })).status).toBe(404);
    expect((await request(consumer.token, 'POST', `/v1/models/${id}/infer`, { inputs: { x: 1 } })).status).toBe(200);
    expect(server.log.inferCalls).toBe(before + 1);
  });

  it('refuses a version pinned to a region the caller may not use with 403 and the reason; allows it for a caller of that region', async () => {
    const before = server.log.inferCalls;
    const refused = await request(consumer.token, 'POST', '/v1/models/eu-scorer/infer', { inputs: { x: 1 } });
    expect(refused.status).toBe(403);
    const problem = (await refused.json()) as { detail: string };
    expect(problem.detail).toMatch(/region/i);
    expect(server.log.inferCalls).toBe(before);

    const allowed = await request(euConsumerToken, 'POST', '/v1/models/eu-scorer/infer', { inputs: { x: 1 } });
    expect(allowed.status).toBe(200);
    expect(server.log.inferCalls).toBe(before + 1);
  });

  it('announces a deprecated version with Deprecation and Sunset headers', async () => {
    const response = await request(consumer.token, 'POST', '/v1/models/legacy/infer', { inputs: { x: 2 } });
    expect(response.status).toBe(200);
    expect(response.headers.get('deprecation')).toBe(`@${Date.parse('2026-01-01T00:00:00Z') / 1000}`);
    expect(response.headers.get('sunset')).toBe(new Date('2027-06-30T00:00:00Z').toUTCString());
    const current = await request(consumer.token, 'POST', '/v1/models/scorer/infer', { inputs: { x: 2 } });
    expect(current.headers.get('deprecation')).toBeNull();
  });

  it('applies the PII rule: rejects e-mail addresses (naming the detector only), forwards phone numbers redacted, blocks IBANs in answers', async () => {
    const before = server.log.inferCalls;
    const rejected = await request(consumer.token, 'POST', '/v1/models/notes/infer', { inputs: { text: 'write to jane.doe@example.com' } });
    expect(rejected.status).toBe(422);
    const problem = await rejected.text();
    expect(problem).toContain('pii-detected');
    expect(problem).toContain('email');
    expect(problem).not.toContain('jane.doe');
    expect(server.log.inferCalls).toBe(before);

    const redacted = await request(consumer.token, 'POST', '/v1/models/notes/infer', {
      inputs: { text: 'call me on +44 20 7946 0958 please' },
    });
    expect(redacted.status).toBe(200);
    expect(server.log.requests.at(-1)!.body).not.toContain('7946');
    expect(server.log.requests.at(-1)!.body).toContain('[REDACTED:phone]');

    // The echo server answers with what it got: an IBAN in the answer is withheld (none of the input
    // rules touches it on the way in: written without spaces it is no phone number).
    const blocked = await request(consumer.token, 'POST', '/v1/models/notes/infer', { inputs: { text: 'pay to GB82WEST12345698765432' } });
    expect(blocked.status).toBe(502);
    const blockedBody = await blocked.text();
    expect(blockedBody).toContain('output-blocked');
    expect(blockedBody).not.toContain('GB82');
    expect(server.log.requests.at(-1)!.body).toContain('GB82WEST12345698765432');
  });

  it('replays an Idempotency-Key call from the store (one upstream call) and refuses the key with another body', async () => {
    const before = server.log.inferCalls;
    const headers = { 'idempotency-key': 'order-7781' };
    const first = await request(consumer.token, 'POST', '/v1/models/scorer/infer', { inputs: { x: 10 } }, headers);
    const second = await request(consumer.token, 'POST', '/v1/models/scorer/infer', { inputs: { x: 10 } }, headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect(server.log.inferCalls).toBe(before + 1);
    const reused = await request(consumer.token, 'POST', '/v1/models/scorer/infer', { inputs: { x: 11 } }, headers);
    expect(reused.status).toBe(422);
    expect(server.log.inferCalls).toBe(before + 1);
  });

  it('audits every call with a digest of the input (never the input) and counts it in the inference metrics', async () => {
    const body = { inputs: { x: 42.125, note: 'secret-ish' } };
    const requestId = 'audit-check-0001';
    const ok = await request(consumer.token, 'POST', '/v1/models/scorer/infer', body, { 'x-request-id': requestId });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe(requestId);
    const refused = await request(
      consumer.token,
      'POST',
      '/v1/models/scorer/infer',
      { inputs: { x: 500 } },
      { 'x-request-id': 'audit-check-0002' },
    );
    expect(refused.status).toBe(422);

    await gateway.app.get(AuditService).flush();
    const events = gateway.app.get(DatabaseService).repository(AuditEventEntity);
    const event = await events.findOneByOrFail({ requestId, action: 'inference.call' });
    expect(event).toMatchObject({ outcome: 'success', actorId: consumer.appId, resourceType: 'ModelVersion' });
    expect(event.details).toMatchObject({
      surface: 'native',
      model: 'scorer',
      version: 1,
      backend: 'kserve-v2',
      status: 200,
      inputDigest: `sha256:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`,
    });
    expect(typeof event.details!.latencyMs).toBe('number');
    expect(JSON.stringify(event)).not.toContain('secret-ish');
    expect(JSON.stringify(event)).not.toContain('42.125');
    const failed = await events.findOneByOrFail({ requestId: 'audit-check-0002', action: 'inference.call' });
    expect(failed).toMatchObject({ outcome: 'failure', reason: 'client_error' });

    const metrics = await gateway.app.get(GatewayMetrics).registry.getMetricsAsJSON();
    const requests = metrics.find((metric) => metric.name === 'infergate_inference_requests_total')!.values;
    expect(requests).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { model: 'scorer', version: '1', backend: 'kserve-v2', outcome: 'ok' } })]),
    );
    const failures = metrics.find((metric) => metric.name === 'infergate_validation_failures_total')!.values;
    expect(failures.find((value) => value.labels.model === 'scorer' && value.labels.surface === 'native')!.value).toBeGreaterThan(0);
  });

  it('serves OIP v2 metadata and readiness from the registry', async () => {
    const metadata = await request(consumer.token, 'GET', '/v2/models/scorer');
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toMatchObject({
      name: 'scorer',
      versions: ['1'],
      platform: 'kserve_v2',
      inputs: [
        { name: 'x', datatype: 'FP64', shape: [-1] },
        { name: 'note', datatype: 'BYTES', shape: [-1] },
        { name: 'vec', datatype: 'FP32', shape: [-1, 3] },
      ],
    });
    expect((await request(consumer.token, 'GET', '/v2/models/scorer/ready')).status).toBe(200);
    expect((await request(consumer.token, 'GET', '/v2/models/scorer/versions/1/ready')).status).toBe(200);
    expect((await request(consumer.token, 'GET', '/v2/models/scorer/versions/9/ready')).status).toBe(404);
  });
});
