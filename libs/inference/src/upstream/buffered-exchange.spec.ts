import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { UpstreamResponseTooLargeError } from '../resilience/upstream.errors';
import { bufferedExchange, type SentTracker } from './buffered-exchange';
import { Cancellation } from './cancellation';

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function exchange(pool: Pool, cancellation = new Cancellation(), maxBytes = 1024) {
  const tracker: SentTracker = { sent: false };
  let headersSeen = 0;
  const answer = bufferedExchange({
    pool,
    request: { method: 'POST', path: '/infer', headers: { 'content-type': 'application/json' }, body: '{"x":1}' },
    cancellation,
    maxBytes,
    tracker,
    onHeaders: () => (headersSeen += 1),
  });
  return { answer, tracker, headersSeen: () => headersSeen };
}

describe('bufferedExchange', () => {
  const servers: Server[] = [];
  const pools: Pool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function upstream(handler: Parameters<typeof createServer>[1]): Promise<Pool> {
    const server = createServer(handler);
    servers.push(server);
    const pool = new Pool(await listening(server));
    pools.push(pool);
    return pool;
  }

  it('collects a chunked answer after an informational 103, and marks the request sent', async () => {
    const pool = await upstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeEarlyHints({ link: '</style.css>; rel=preload' });
        res.writeHead(200, { 'content-type': 'application/json', 'x-model': 'm' });
        res.write('{"outputs":');
        setTimeout(() => res.end('[1,2]}'), 5);
      });
    });
    const { answer, tracker, headersSeen } = exchange(pool);
    const result = await answer;
    expect(result.status).toBe(200);
    expect(result.headers['x-model']).toBe('m');
    expect(result.body.toString()).toBe('{"outputs":[1,2]}');
    expect(tracker.sent).toBe(true);
    expect(headersSeen()).toBe(1);
  });

  it('refuses an answer that grows past the cap without a declared length', async () => {
    const pool = await upstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('x'.repeat(800));
      setTimeout(() => res.end('x'.repeat(800)), 5);
    });
    await expect(exchange(pool).answer).rejects.toBeInstanceOf(UpstreamResponseTooLargeError);
  });

  it("rejects with the cancellation's reason when aborted while waiting for the answer", async () => {
    const pool = await upstream((req) => req.resume());
    const cancellation = new Cancellation();
    const { answer, tracker } = exchange(pool, cancellation);
    setTimeout(() => cancellation.abort(Symbol.for('deadline')), 20);
    await expect(answer).rejects.toBe(Symbol.for('deadline'));
    expect(tracker.sent).toBe(true);
  });

  it('leaves sent false when the connection is refused', async () => {
    const server = createServer();
    const url = await listening(server);
    await new Promise((resolve) => server.close(resolve));
    const pool = new Pool(url);
    pools.push(pool);
    const { answer, tracker } = exchange(pool);
    await expect(answer).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(tracker.sent).toBe(false);
  });
});
