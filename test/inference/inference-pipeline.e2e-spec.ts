import { Injectable, Module } from '@nestjs/common';
import { AuditEventEntity, AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { InferenceBackend, ModelBackendRegistry, nativeRows, type ModelBackend, type NativeRequest } from '@infergate/inference';
import { ModelVersionEntity, type ModelBackend as BackendKind, type ResolvedModelVersion } from '@infergate/model-registry';
import { GatewayMetrics } from '@infergate/observability';
import { callerWithRole, type TestCaller } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { patchVersion, registerAndPromote } from './support/registry-client';

/**
 * A fifth backend kind is one class plus its registration: a test-only `echo` backend, registered
 * in a module of the test with @InferenceBackend('echo') (nothing in the inference lib changes),
 * serves a model over HTTP with the whole interceptor pipeline around it (audit, metrics,
 * Deprecation/Sunset, Idempotency-Key replay with Idempotent-Replayed).
 */
@Injectable()
@InferenceBackend('echo')
class EchoModelBackend implements ModelBackend {
  calls = 0;

  native(_resolved: ResolvedModelVersion, body: NativeRequest): Promise<unknown> {
    this.calls += 1;
    const { rows, single } = nativeRows(body);
    const echoed = rows.map((row) => ({ echo: row, call: this.calls }));
    return Promise.resolve(single ? echoed[0] : echoed);
  }
}

@Module({ providers: [EchoModelBackend] })
class EchoBackendModule {}

describe('inference pipeline: a fifth backend kind and the interceptors around it', () => {
  let gateway: RunningGateway;
  let consumer: TestCaller;
  let echo: EchoModelBackend;

  const infer = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${consumer.token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    gateway = await startGateway(
      {
        UPSTREAM_ALLOWLIST: '127.0.0.1/32',
        BOOTSTRAP_ADMIN_CLIENT_ID: 'inference-admin',
        BOOTSTRAP_ADMIN_CLIENT_SECRET: 'inference-admin-secret-for-tests-only',
      },
      [EchoBackendModule],
    );
    echo = gateway.app.get(EchoModelBackend);
    const org = await gateway.app
      .get(OrganizationsService)
      .create(SYSTEM_PRINCIPAL, { name: 'echo-org', allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' });
    const publisher = await callerWithRole(gateway.app, gateway.url, org.id, 'model-publisher');
    consumer = await callerWithRole(gateway.app, gateway.url, org.id, 'model-consumer');
    // The registry's backend list (MODEL_BACKENDS in @infergate/model-registry) is the one other line a
    // new kind needs, so that publishers can register it; here the row is switched to 'echo' directly.
    for (const name of ['echoer', 'old-echoer']) {
      await registerAndPromote(gateway.url, publisher.token, name, {
        backend: 'http-json',
        endpoint: { kind: 'http', url: 'http://127.0.0.1:9/unused' },
        inputContract: { features: [{ name: 'x', type: 'number' }], maxBatch: 10 },
      });
    }
    await patchVersion(gateway.url, publisher.token, 'old-echoer', 1, {
      deprecation: { deprecatedAt: '2026-01-01T00:00:00Z', sunsetAt: '2027-06-30T00:00:00Z' },
    });
    await gateway.app
      .get(DatabaseService)
      .repository(ModelVersionEntity)
      .createQueryBuilder()
      .update()
      .set({ backend: 'echo' as BackendKind })
      .execute();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('finds the backend registered by the test module and serves its kind over HTTP, with audit and metrics', async () => {
    expect(gateway.app.get(ModelBackendRegistry).kinds()).toEqual(
      expect.arrayContaining(['onnx', 'kserve-v2', 'http-json', 'openai', 'echo']),
    );
    const response = await infer('/v1/models/echoer/infer', { instances: [{ x: 1 }, { x: 2 }] }, { 'x-request-id': 'echo-0001' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const answer = (await response.json()) as { model: string; version: number; outputs: Array<{ echo: unknown }> };
    expect(answer).toMatchObject({ model: 'echoer', version: 1 });
    expect(answer.outputs.map((output) => output.echo)).toEqual([{ x: 1 }, { x: 2 }]);

    await gateway.app.get(AuditService).flush();
    const event = await gateway.app
      .get(DatabaseService)
      .repository(AuditEventEntity)
      .findOneByOrFail({ requestId: 'echo-0001', action: 'inference.call' });
    expect(event).toMatchObject({ outcome: 'success', resourceType: 'ModelVersion' });
    expect(event.details).toMatchObject({ surface: 'native', model: 'echoer', version: 1, backend: 'echo', status: 200 });
    const metrics = await gateway.app.get(GatewayMetrics).registry.getMetricsAsJSON();
    const requests = metrics.find((metric) => metric.name === 'infergate_inference_requests_total')!.values;
    expect(requests).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { model: 'echoer', version: '1', backend: 'echo', outcome: 'ok' } })]),
    );
  });

  it('answers a surface the backend does not implement with 400 unsupported-protocol, without calling it', async () => {
    const before = echo.calls;
    const v2 = await infer('/v2/models/echoer/infer', { inputs: [{ name: 'x', datatype: 'FP64', shape: [1], data: [1] }] });
    expect(v2.status).toBe(400);
    expect(await v2.json()).toMatchObject({
      type: 'urn:infergate:problem:unsupported-protocol',
      detail: 'This model is not served over the Open Inference Protocol; use /v1/models/{model}/infer.',
    });
    const openai = await infer('/openai/v1/chat/completions', { model: 'echoer', messages: [{ role: 'user', content: 'hi' }] });
    expect(openai.status).toBe(400);
    expect(((await openai.json()) as { detail: string }).detail).toBe(
      'This model is not served by an OpenAI-compatible backend; use /v1/models/{model}/infer or /v2/models/{model}/infer.',
    );
    expect(echo.calls).toBe(before);
  });

  it('replays an Idempotency-Key answer byte for byte with Idempotent-Replayed, and Deprecation/Sunset on both', async () => {
    const before = echo.calls;
    const headers = { 'idempotency-key': 'echo-key-1' };
    const first = await infer('/v1/models/old-echoer/infer', { inputs: { x: 7 } }, headers);
    const second = await infer('/v1/models/old-echoer/infer', { inputs: { x: 7 } }, headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(echo.calls).toBe(before + 1);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await second.text()).toBe(await first.text());
    for (const response of [first, second]) {
      expect(response.headers.get('deprecation')).toBe(`@${Date.parse('2026-01-01T00:00:00Z') / 1000}`);
      expect(response.headers.get('sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
    }
    const reused = await infer('/v1/models/old-echoer/infer', { inputs: { x: 8 } }, headers);
    expect(reused.status).toBe(422);
    expect(echo.calls).toBe(before + 1);
  });

  it('resolves before replaying: the same key and body on a model the caller cannot reach is 404, not the stored answer', async () => {
    const headers = { 'idempotency-key': 'echo-key-2' };
    expect((await infer('/v1/models/echoer/infer', { inputs: { x: 1 } }, headers)).status).toBe(200);
    const other = await fetch(`${gateway.url}/v1/models/missing/infer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${consumer.token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ inputs: { x: 1 } }),
    });
    expect(other.status).toBe(404);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('rejects an invalid Idempotency-Key with 400 and audits it as a client error', async () => {
    const response = await infer(
      '/v1/models/echoer/infer',
      { inputs: { x: 1 } },
      { 'idempotency-key': 'no spaces allowed', 'x-request-id': 'echo-0002' },
    );
    expect(response.status).toBe(400);
    await gateway.app.get(AuditService).flush();
    const event = await gateway.app
      .get(DatabaseService)
      .repository(AuditEventEntity)
      .findOneByOrFail({ requestId: 'echo-0002', action: 'inference.call' });
    expect(event).toMatchObject({ outcome: 'failure', reason: 'client_error' });
    expect(event.details).toMatchObject({ surface: 'native', status: 400 });
  });
});
