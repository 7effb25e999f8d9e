import { ProbeModule } from './support/probe.module';
import { RunningGateway, startGateway } from './support/in-process-gateway';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('gateway HTTP surface (embedded profile)', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway({ BODY_LIMIT_BYTES: String(1024 * 1024) }, [ProbeModule]);
  });
  afterAll(() => gateway.close());

  const get = (path: string, init?: RequestInit) => fetch(`${gateway.url}${path}`, init);

  it('answers liveness and readiness with 200 and only up/down per component', async () => {
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'up', components: {} });

    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'up', components: { accepting: 'up', database: 'up', migrations: 'up' } });
    expect(ready.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an unknown path with a 404 problem that does not reflect the query string', async () => {
    const response = await get('/no/such/thing?access_token=s3cr3t');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const body = await response.json();
    expect(body).toEqual({
      type: 'urn:infergate:problem:not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No resource exists at this path.',
      instance: '/no/such/thing',
      requestId,
    });
    expect(JSON.stringify(body)).not.toContain('s3cr3t');
  });

  it('keeps a valid incoming X-Request-Id and replaces an unsafe one', async () => {
    const kept = await get('/health/live', { headers: { 'x-request-id': 'trace-42.a:b_c' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-42.a:b_c');

    for (const unsafe of ['has space', 'x'.repeat(129), 'a"b', 'evil\u0000']) {
      const replaced = await get('/health/live', { headers: { 'x-request-id': unsafe.replace('\u0000', '%00') } }).catch(() => undefined);
      if (!replaced) continue;
      expect(replaced.headers.get('x-request-id')).not.toBe(unsafe);
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('denies a route that is not @Public() with RFC 6750 401 problem+json', async () => {
    const response = await get('/probe/protected');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="infergate"');
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/probe/protected' });
  });

  it('refuses a 2 MB body with 413 problem+json on any route, declared or streamed', async () => {
    const big = 'a'.repeat(2 * 1024 * 1024);
    for (const path of ['/probe/echo', '/no/such/route', '/health/live']) {
      const declared = await get(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(declared.status).toBe(413);
      expect(declared.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(declared.headers.get('x-request-id')).toBeTruthy();
      expect(await declared.json()).toMatchObject({ status: 413, title: 'Payload Too Large' });
    }
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 32; i += 1) controller.enqueue(new TextEncoder().encode(big.slice(0, 64 * 1024)));
        controller.close();
      },
    });
    const streamed = await get('/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get('content-type')).toMatch(PROBLEM_JSON);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const response = await get('/probe/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(await response.json()).toMatchObject({ status: 400, title: 'Bad Request', instance: '/probe/echo' });
  });

  it('answers an unsupported content type with a 415 problem', async () => {
    const response = await get('/probe/echo', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(await response.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
  });

  it('turns an unexpected error into a 500 that carries only the request id', async () => {
    const response = await get('/probe/boom');
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body).toEqual({
      type: 'urn:infergate:problem:internal-server-error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred. Quote the request id when reporting it.',
      instance: '/probe/boom',
      requestId: response.headers.get('x-request-id'),
    });
    expect(JSON.stringify(body)).not.toMatch(/db-internal|5432|SELECT|client_secret/);
  });

  it('serves the OpenAPI document and UI without credentials', async () => {
    const ui = await get('/docs');
    expect(ui.status).toBe(200);
    const doc = (await (await get('/docs-json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });
});

describe('gateway body limit', () => {
  it('is configurable', async () => {
    const gateway = await startGateway({ BODY_LIMIT_BYTES: '1000' }, [ProbeModule]);
    try {
      const small = await fetch(`${gateway.url}/probe/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(small.status).toBe(201);
      expect(await small.json()).toEqual({ a: 1 });
      const large = await fetch(`${gateway.url}/probe/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: 'x'.repeat(1000) }),
      });
      expect(large.status).toBe(413);
    } finally {
      await gateway.close();
    }
  });
});
