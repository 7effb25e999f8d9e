import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { ServiceUnavailableException } from '@infergate/common';
import { REDIS_COMMAND_TIMEOUT_MS } from '@infergate/database';
import type { RateLimitDecision, RateLimitRequest } from '../../libs/throttling/src/rate-limit.types';
import { RedisRateLimitStore } from '../../libs/throttling/src/stores/redis-rate-limit.store';
import { ResilientRateLimitStore, type ResilientConfig } from '../../libs/throttling/src/stores/resilient-rate-limit.store';
import { timerLag } from '../support/timer-lag';

/** A redis-server of its own, so that killing it disturbs no other suite. */
class RedisProcess {
  private child?: ChildProcess;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 5_000;
    while (!(await pong(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
      await sleep(50);
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }
}

/** Whether a Redis server answers PING on the port (a plain socket: nothing left behind). */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A client configured like REDIS_CLIENT in production. */
function productionClient(port: number): Redis {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: () => 50,
  });
  client.on('error', () => undefined);
  return client;
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

const config = (failMode: 'fail-closed' | 'fail-open', expectedReplicas = 3) =>
  ({ throttling: { failMode, expectedReplicas } }) satisfies ResilientConfig;

let counter = 0;
function request(): RateLimitRequest {
  counter += 1;
  return {
    buckets: [
      { name: 'application', key: 'bucket:application:a1', ratePerSecond: 0.001, burst: 9, cost: 1 },
      { name: 'organization', key: 'bucket:organization:o1', ratePerSecond: 0.001, burst: 90, cost: 1 },
    ],
    quotas: [{ name: 'organization-day', key: 'quota:organization:o1', limit: 1000, period: 'day', cost: 1 }],
    concurrency: [{ name: 'model', key: 'inflight:model:m1', limit: 30, leaseMs: 60_000 }],
    leaseId: `lease-${counter}`,
  };
}

/**
 * Runs `decide` and returns how long it took (ms), what it threw, if anything, and how late this
 * process's timers ran meanwhile (`lagMs`: a loaded machine delays the store's own deadline timer too).
 */
async function timed<T>(decide: () => Promise<T>): Promise<{ ms: number; lagMs: number; error?: unknown; value?: T }> {
  const lag = timerLag();
  const start = performance.now();
  try {
    const value = await decide();
    return { ms: performance.now() - start, lagMs: lag.stop(), value };
  } catch (error) {
    return { ms: performance.now() - start, lagMs: lag.stop(), error };
  }
}

describe('rate-limit store when Redis goes away', () => {
  let server: RedisProcess;
  let client: Redis;

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    server = new RedisProcess(await freePort());
    await server.start();
    client = productionClient(server.port);
    await until(() => client.status === 'ready');
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    client.disconnect();
    server.signal('SIGCONT');
    await server.kill();
  });

  it('fail-closed: answers 503 within 60 ms while Redis is down (killed or hung), and recovers', async () => {
    const store = new ResilientRateLimitStore(new RedisRateLimitStore(client, 'ig:'), config('fail-closed'));
    expect((await store.consume(request())).allowed).toBe(true);

    await server.kill();
    for (let i = 0; i < 20; i++) {
      const { ms, lagMs, error } = await timed(() => store.consume(request()));
      expect(error).toBeInstanceOf(ServiceUnavailableException);
      expect((error as ServiceUnavailableException).status).toBe(503);
      expect(ms).toBeLessThan(60 + lagMs);
    }

    await server.start();
    await until(() => client.status === 'ready');
    const decision = await store.consume(request());
    expect(decision.allowed).toBe(true);
    // A fresh Redis: the decision was made there (nothing was replayed into it).
    expect(decision.states[0].remaining).toBe(8);
    expect(await client.keys('ig:*')).toHaveLength(4);

    // Hung (SIGSTOP): the command timeout decides.
    server.signal('SIGSTOP');
    for (let i = 0; i < 5; i++) {
      const { ms, lagMs, error } = await timed(() => store.consume(request()));
      expect(error).toBeInstanceOf(ServiceUnavailableException);
      expect(ms).toBeLessThan(60 + lagMs);
    }
    server.signal('SIGCONT');
  });

  it('fail-open: admits within the limit divided by the expected replicas, then returns to Redis', async () => {
    const store = new ResilientRateLimitStore(new RedisRateLimitStore(client, 'ig:'), config('fail-open', 3));
    expect((await store.consume(request())).allowed).toBe(true); // Redis: 8 of 9 left

    await server.kill();
    const local: RateLimitDecision[] = [];
    for (let i = 0; i < 10; i++) {
      const { ms, lagMs, value, error } = await timed(() => store.consume(request()));
      expect(error).toBeUndefined();
      expect(ms).toBeLessThan(60 + lagMs);
      if (value) local.push(value);
    }
    // burst 9 over 3 replicas: 3 locally.
    expect(local.filter((d) => d.allowed)).toHaveLength(3);
    expect(local[0].states[0].limit).toBe(3);
    expect(store.isDegraded).toBe(true);

    await server.start();
    await until(() => client.status === 'ready');
    const back = await store.consume(request());
    expect(back.allowed).toBe(true);
    expect(back.states[0]).toMatchObject({ limit: 9, remaining: 8 });
    expect(store.isDegraded).toBe(false);
  });
});
