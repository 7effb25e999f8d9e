import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamCallAbortedError, UpstreamResponseTooLargeError, UpstreamTimeoutError } from '../../../libs/inference/src/resilience';
import { Cancellation } from '../../../libs/inference/src/upstream/cancellation';
import { CLIENT_WENT_AWAY } from '../../../libs/inference/src/upstream/upstream-error-classifier';
import { timerLag } from '../../support/timer-lag';
import {
  createUpstreamHarness,
  inferRequest,
  startFaultServer,
  versionAt,
  type FaultServer,
  type UpstreamHarness,
} from './support/fault-upstream';

/** An OpenAI-style SSE server: `count` events (or endless), one every `everyMs`. */
function sse(res: ServerResponse, everyMs: number, count = Infinity): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= count) {
      clearInterval(timer);
      res.end('data: [DONE]\n\n');
      return;
    }
    sent += 1;
    res.write(`data: {"choices":[{"delta":{"content":"tok${sent}"}}]}\n\n`);
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}

async function collect(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

async function streamError(body: Readable): Promise<{ error: unknown; elapsedMs: number }> {
  const started = performance.now();
  try {
    await collect(body);
  } catch (error) {
    return { error, elapsedMs: performance.now() - started };
  }
  throw new Error('expected the stream to fail');
}

describe('upstream streaming (SSE pass-through)', () => {
  let harness: UpstreamHarness;
  const servers: FaultServer[] = [];
  const chatRequest = (over: Parameters<typeof inferRequest>[0] = {}) =>
    inferRequest({ path: '/v1/chat/completions', body: '{"model":"chat","stream":true}', ...over });

  beforeEach(() => {
    harness = createUpstreamHarness({ totalTimeoutMs: 2_000 });
  });

  afterEach(async () => {
    await harness.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function server(handler: Parameters<typeof startFaultServer>[0]): Promise<FaultServer> {
    const started = await startFaultServer(handler);
    servers.push(started);
    return started;
  }

  it('passes the event stream through byte for byte and frees the bulkhead slot at the end', async () => {
    const upstream = await server((_req, res) => sse(res, 5, 4));
    const stream = await harness.client.stream(versionAt(upstream.url), chatRequest());
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    const text = await collect(stream.body);
    expect(text).toBe([1, 2, 3, 4].map((n) => `data: {"choices":[{"delta":{"content":"tok${n}"}}]}\n\n`).join('') + 'data: [DONE]\n\n');
    expect(harness.guards.for(upstream.url).bulkhead.active).toBe(0);
    expect(upstream.closedEarly).toBe(0);
  });

  it('cancels the upstream request when the consumer aborts mid-stream', async () => {
    const upstream = await server((_req, res) => sse(res, 20));
    const stream = await harness.client.stream(versionAt(upstream.url), chatRequest());
    const reader = stream.body[Symbol.asyncIterator]();
    await reader.next();
    await reader.next();
    const upstreamClosed = upstream.nextEarlyClose();
    const started = performance.now();
    stream.body.destroy();
    await upstreamClosed;
    expect(performance.now() - started).toBeLessThan(200);
    expect(upstream.closedEarly).toBe(1);
    expect(harness.guards.for(upstream.url).bulkhead.active).toBe(0);
  });

  it('cancels the upstream request when the client goes away, and the body fails as client-closed', async () => {
    const upstream = await server((_req, res) => sse(res, 20));
    const clientGone = new Cancellation();
    const stream = await harness.client.stream(versionAt(upstream.url), chatRequest({ clientGone }));
    const upstreamClosed = upstream.nextEarlyClose();
    setTimeout(() => clientGone.abort(CLIENT_WENT_AWAY), 60);
    const { error } = await streamError(stream.body);
    await upstreamClosed;
    expect(error).toBeInstanceOf(UpstreamCallAbortedError);
    expect(upstream.closedEarly).toBe(1);
  });

  it('cuts a stream at the total deadline (±10%)', async () => {
    const upstream = await server((_req, res) => sse(res, 50));
    const lag = timerLag();
    const started = performance.now();
    const stream = await harness.client.stream(versionAt(upstream.url, { timeouts: { totalMs: 700 } }), chatRequest());
    const upstreamClosed = upstream.nextEarlyClose();
    const { error } = await streamError(stream.body);
    const elapsedMs = performance.now() - started;
    const timerLagMs = lag.stop();
    await upstreamClosed;
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(elapsedMs).toBeGreaterThanOrEqual(630);
    expect(elapsedMs).toBeLessThanOrEqual(770 + timerLagMs);
  });

  it('caps the streamed bytes and cancels the upstream request past the cap', async () => {
    const upstream = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write(`data: ${'x'.repeat(8 * 1024)}\n\n`), 2);
      res.on('close', () => clearInterval(timer));
    });
    const stream = await harness.client.stream(versionAt(upstream.url), chatRequest());
    const upstreamClosed = upstream.nextEarlyClose();
    const { error } = await streamError(stream.body);
    await upstreamClosed;
    expect(error).toBeInstanceOf(UpstreamResponseTooLargeError);
  });

  it('applies backpressure: a consumer that does not read holds the upstream back', async () => {
    const big = createUpstreamHarness({ totalTimeoutMs: 5_000, maxResponseBytes: 200 * 1024 * 1024 });
    let written = 0;
    const upstream = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = Buffer.alloc(16 * 1024, 'y');
      const pump = (): void => {
        while (written < 150 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    try {
      const stream = await big.client.stream(versionAt(upstream.url), chatRequest());
      await sleep(400);
      expect(written).toBeLessThan(16 * 1024 * 1024);
      const before = written;
      let read = 0;
      for await (const chunk of stream.body as AsyncIterable<Buffer>) {
        read += chunk.length;
        if (read > before + 4 * 1024 * 1024) break;
      }
      expect(written).toBeGreaterThan(before);
    } finally {
      await big.close();
    }
  });
});

describe('upstream streaming left unread', () => {
  it('survives a stream nobody reads: the deadline ends it and frees the upstream, no uncaught error', async () => {
    const harness = createUpstreamHarness({ totalTimeoutMs: 300 });
    const upstream = await startFaultServer((_req, res) => sse(res, 20));
    try {
      const stream = await harness.client.stream(versionAt(upstream.url), inferRequest({ path: '/v1/chat/completions' }));
      const closed = upstream.nextEarlyClose();
      await closed;
      expect(stream.body.destroyed).toBe(true);
      expect(harness.guards.for(upstream.url).bulkhead.active).toBe(0);
    } finally {
      await harness.close();
      await upstream.close();
    }
  });
});
