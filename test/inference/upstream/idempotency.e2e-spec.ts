import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  IdempotencyService,
  MemoryIdempotencyStore,
} from '../../../libs/inference/src/resilience';
import {
  OIP_ANSWER,
  createUpstreamHarness,
  inferRequest,
  startFaultServer,
  versionAt,
  type FaultServer,
  type UpstreamHarness,
} from './support/fault-upstream';

/** Idempotency-Key end to end: the real client, a counting model server, the memory store. */
describe('idempotent inference calls', () => {
  let harness: UpstreamHarness;
  let sut: IdempotencyService;
  let upstream: FaultServer;

  beforeEach(async () => {
    harness = createUpstreamHarness({ totalTimeoutMs: 2_000 });
    sut = new IdempotencyService(new MemoryIdempotencyStore(), harness.config);
    upstream = await startFaultServer((_req, res, hit) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream-hit': String(hit) });
        res.end(OIP_ANSWER.replace('0.25', String(hit)));
      }, 50);
    });
  });

  afterEach(async () => {
    await harness.close();
    await upstream.close();
  });

  const call = (key: string, body: string) =>
    sut.run({ subject: 'app-1', key, body }, () => harness.client.send(versionAt(upstream.url), inferRequest({ body, idempotent: true })));

  it('replays the stored response for the same key and body, with one upstream call in total', async () => {
    const first = await call('key-1', '{"inputs":[1]}');
    const second = await call('key-1', '{"inputs":[1]}');
    expect(upstream.seen).toHaveLength(1);
    expect(first.replayed).toBe(false);
    expect(second.replayed).toBe(true);
    expect(second.response.status).toBe(200);
    expect(second.response.body.equals(first.response.body)).toBe(true);
    expect(second.response.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('answers 422 idempotency-key-reused for the same key with another body, without an upstream call', async () => {
    await call('key-2', '{"inputs":[1]}');
    const error = await call('key-2', '{"inputs":[2]}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(error).toMatchObject({ status: 422, type: 'urn:infergate:problem:idempotency-key-reused' });
    expect(upstream.seen).toHaveLength(1);
  });

  it('refuses a concurrent duplicate with 409 while the first is in flight, then replays', async () => {
    const first = call('key-3', '{}');
    await sleep(10);
    await expect(call('key-3', '{}')).rejects.toBeInstanceOf(IdempotencyKeyInFlightError);
    await first;
    expect((await call('key-3', '{}')).replayed).toBe(true);
    expect(upstream.seen).toHaveLength(1);
  });
});
