import { OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { callerWithRole, type TestCaller } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { startKserveServer, startOpenAiServer, type OpenAiServer, type TestModelServer } from './support/model-servers';
import { registerAndPromote } from './support/registry-client';
import { timerLag } from '../support/timer-lag';

/**
 * The upstream side through the gateway, against model servers on 127.0.0.1: the OpenAI-compatible
 * surface (JSON and SSE streaming with backpressure, cancelled upstream when the client leaves) and
 * deterministic faults (a hanging server → 504 at the deadline, a 5xx burst → the breaker opens and
 * answers 503 fast with Retry-After, a huge answer → 502), none of which reveals the upstream host.
 */
const CHUNKS = 8;
const CHUNK_DELAY_MS = 150;
const DEADLINE_MS = 1000;
const SCALAR = { features: [{ name: 'x', type: 'number' }], maxBatch: 10 };

describe('inference: upstream model servers through the gateway', () => {
  let gateway: RunningGateway;
  let llm: OpenAiServer;
  let hanging: TestModelServer;
  let failing: TestModelServer;
  let huge: TestModelServer;
  let consumer: TestCaller;

  const post = (path: string, body: unknown, init: RequestInit = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${consumer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...init,
    });

  beforeAll(async () => {
    llm = await startOpenAiServer({ chunks: CHUNKS, chunkDelayMs: CHUNK_DELAY_MS });
    hanging = await startKserveServer('hanging');
    failing = await startKserveServer('failing');
    huge = await startKserveServer('huge');
    hanging.mode = 'hang';
    failing.mode = 'fail-500';
    huge.mode = 'huge-body';
    gateway = await startGateway({
      UPSTREAM_ALLOWLIST: '127.0.0.1/32',
      BOOTSTRAP_ADMIN_CLIENT_ID: 'inference-admin',
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'inference-admin-secret-for-tests-only',
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_OPEN_MS: '60000',
      UPSTREAM_MAX_RESPONSE_BYTES: String(1024 * 1024),
    });
    const org = await gateway.app
      .get(OrganizationsService)
      .create(SYSTEM_PRINCIPAL, { name: 'upstream-org', allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' });
    const publisher = await callerWithRole(gateway.app, gateway.url, org.id, 'model-publisher');
    consumer = await callerWithRole(gateway.app, gateway.url, org.id, 'model-consumer');
    await registerAndPromote(gateway.url, publisher.token, 'assistant', {
      backend: 'openai',
      endpoint: { kind: 'http', url: llm.url, upstreamModel: 'upstream-llm-7b' },
      inputContract: { features: [], maxBatch: 1, openai: { maxTokens: 256, maxMessages: 4 } },
    });
    const timeouts = { totalMs: DEADLINE_MS };
    for (const [name, server] of [
      ['hanging', hanging],
      ['failing', failing],
      ['huge', huge],
    ] as const) {
      await registerAndPromote(gateway.url, publisher.token, name, {
        backend: 'kserve-v2',
        endpoint: { kind: 'http', url: server.url, timeouts },
        inputContract: SCALAR,
      });
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([llm, hanging, failing, huge].map((server) => server?.close()));
  });

  describe('OpenAI-compatible surface', () => {
    it('routes chat completions by registry name and answers with it (the upstream name stays hidden)', async () => {
      const response = await post('/openai/v1/chat/completions', { model: 'assistant', messages: [{ role: 'user', content: 'Hello' }] });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { model: string; choices: Array<{ message: { content: string } }> };
      expect(body.model).toBe('assistant');
      expect(body.choices[0].message.content).toBe('alpha beta gamma');
      const sent = llm.log.requests.at(-1)!;
      expect(sent.url).toBe('/v1/chat/completions');
      expect(JSON.parse(sent.body).model).toBe('upstream-llm-7b');
      expect(sent.headers.authorization).toBeUndefined();
    });

    it('serves completions and embeddings, and lists the models the caller may call', async () => {
      expect((await post('/openai/v1/completions', { model: 'assistant', prompt: 'Once' })).status).toBe(200);
      const embeddings = await post('/openai/v1/embeddings', { model: 'assistant', input: ['a', 'b'] });
      expect(embeddings.status).toBe(200);
      expect(((await embeddings.json()) as { data: unknown[] }).data).toHaveLength(2);
      const models = await fetch(`${gateway.url}/openai/v1/models`, { headers: { authorization: `Bearer ${consumer.token}` } });
      expect(models.status).toBe(200);
      const list = (await models.json()) as { object: string; data: Array<{ id: string; object: string }> };
      expect(list.object).toBe('list');
      expect(list.data.map((model) => model.id)).toEqual(['assistant']);
    });

    it("refuses requests over the version's limits and models of other backends, before any upstream call", async () => {
      const before = llm.log.inferCalls;
      const tooMany = await post('/openai/v1/chat/completions', {
        model: 'assistant',
        max_tokens: 5000,
        messages: [{ role: 'user', content: 'Hello' }],
      });
      expect(tooMany.status).toBe(422);
      expect(((await tooMany.json()) as { errors: Array<{ pointer: string }> }).errors.map((e) => e.pointer)).toContain('/max_tokens');
      const wrongBackend = await post('/openai/v1/chat/completions', { model: 'failing', messages: [{ role: 'user', content: 'Hi' }] });
      expect(wrongBackend.status).toBe(400);
      // And the other way round: a chat model is not called over the native or OIP v2 routes.
      const native = await post('/v1/models/assistant/infer', { inputs: { prompt: 'Hi' } });
      expect(native.status).toBe(400);
      expect(((await native.json()) as { type: string }).type).toBe('urn:infergate:problem:unsupported-protocol');
      expect((await post('/v2/models/assistant/infer', { inputs: [] })).status).toBe(400);
      expect(llm.log.inferCalls).toBe(before);
    });

    it('streams SSE chunks as the upstream produces them, not all at the end', async () => {
      const started = Date.now();
      const response = await post('/openai/v1/chat/completions', {
        model: 'assistant',
        stream: true,
        messages: [{ role: 'user', content: 'Stream please' }],
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(response.headers.get('x-request-id')).toBeTruthy();
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      const arrivals: number[] = [];
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arrivals.push(Date.now() - started);
        text += decoder.decode(value, { stream: true });
      }
      const events = text.split('\n\n').filter((event) => event.startsWith('data: '));
      expect(events).toHaveLength(CHUNKS + 1);
      expect(events.at(-1)).toBe('data: [DONE]');
      // The upstream needs CHUNKS × CHUNK_DELAY_MS; the first bytes arrived long before that.
      expect(arrivals[0]).toBeLessThan((CHUNKS * CHUNK_DELAY_MS) / 2);
      expect(arrivals.length).toBeGreaterThan(2);
      expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThan((CHUNKS - 2) * CHUNK_DELAY_MS);
    });

    it('aborts the upstream request when the client goes away mid-stream', async () => {
      const client = new AbortController();
      const response = await post(
        '/openai/v1/chat/completions',
        { model: 'assistant', stream: true, messages: [{ role: 'user', content: 'Long story' }] },
        { signal: client.signal },
      );
      const reader = response.body!.getReader();
      await reader.read();
      client.abort();
      const observed = await Promise.race([
        llm.streamClosedEarly.then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still open'), 3 * CHUNK_DELAY_MS)),
      ]);
      expect(observed).toBe('closed');
      expect(llm.chunksWritten()).toBeLessThan(CHUNKS);
    });
  });

  describe('faults', () => {
    const infer = (model: string) => post(`/v1/models/${model}/infer`, { inputs: { x: 1 } });
    const expectNoInternals = (text: string) => {
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toMatch(/model-host|upstream\.internal|ECONN|undici/i);
    };

    it('answers 504 problem+json at the deadline when the model server hangs', async () => {
      const lag = timerLag();
      const started = Date.now();
      const response = await infer('hanging');
      const elapsed = Date.now() - started;
      const timerLagMs = lag.stop();
      expect(response.status).toBe(504);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS * 0.9);
      // 10% and the HTTP round trip, plus however long this process could not run at all (a loaded machine).
      expect(elapsed).toBeLessThan(DEADLINE_MS * 1.1 + 150 + timerLagMs);
      expectNoInternals(await response.text());
      expect(hanging.log.inferCalls).toBeGreaterThanOrEqual(1);
    });

    it('opens the breaker after a 5xx burst: then 503 at once with Retry-After and no upstream call', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await infer('failing');
        expect(response.status).toBe(502);
        expectNoInternals(await response.text());
      }
      const calls = failing.log.inferCalls;
      const started = Date.now();
      const fast = await infer('failing');
      expect(fast.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(200);
      expect(Number(fast.headers.get('retry-after'))).toBeGreaterThan(0);
      expectNoInternals(await fast.text());
      expect(failing.log.inferCalls).toBe(calls);
      const ready = await fetch(`${gateway.url}/v2/models/failing/ready`, { headers: { authorization: `Bearer ${consumer.token}` } });
      expect(ready.status).toBe(503);
    });

    it('answers 502 when the model server sends more than the size cap', async () => {
      const response = await infer('huge');
      expect(response.status).toBe(502);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expectNoInternals(await response.text());
    });
  });
});
