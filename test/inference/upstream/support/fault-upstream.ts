import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { validateOptions } from '@infergate/common';
import { InferenceModuleOptions } from '@infergate/inference';
import { RegistryOptions } from '@infergate/model-registry';
import type { HttpEndpoint, ResolvedModelVersion } from '@infergate/model-registry';
import { GatewayMetrics } from '@infergate/observability';
import { UpstreamGuards } from '../../../../libs/inference/src/resilience';
import { UpstreamClient, UpstreamPools, type UpstreamRequest } from '../../../../libs/inference/src/upstream';
import { timerLag } from '../../../support/timer-lag';

/** What a fake model server saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP(S) server on 127.0.0.1 that counts requests and notices requests the client abandoned. */
export interface FaultServer {
  url: string;
  port: number;
  /** Requests received (even those never answered). */
  readonly seen: SeenRequest[];
  /** Responses whose connection closed before the response finished. */
  readonly closedEarly: number;
  /** Resolves at the next early close. */
  nextEarlyClose(): Promise<void>;
  close(): Promise<void>;
}

export type FaultHandler = (req: IncomingMessage, res: ServerResponse, hit: number, body: string) => void;

/** Starts an HTTP server (HTTPS with `tls`) whose every request goes to `handler` after its body is read. */
export async function startFaultServer(handler: FaultHandler, tls?: HttpsOptions): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  let closedEarly = 0;
  let earlyCloseWaiters: Array<() => void> = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.on('close', () => {
        if (res.writableFinished) return;
        closedEarly += 1;
        const waiters = earlyCloseWaiters;
        earlyCloseWaiters = [];
        waiters.forEach((resolve) => resolve());
      });
      handler(req, res, seen.length, body);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    seen,
    get closedEarly() {
      return closedEarly;
    },
    nextEarlyClose: () => new Promise<void>((resolve) => earlyCloseWaiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/** A raw TCP server that counts connections and treats each with `onConnection` (reset, close, …). */
export async function startTcpServer(
  onConnection: (socket: Socket) => void,
): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Inference settings of the fault suites: short deadlines so that the tests are quick. */
export const FAULT_SETTINGS = {
  connectTimeoutMs: 1_000,
  firstByteTimeoutMs: 10_000,
  totalTimeoutMs: 600,
  maxResponseBytes: 64 * 1024,
  maxInFlightPerUpstream: 64,
  maxRetries: 2,
  breakerFailureThreshold: 3,
  breakerOpenMs: 500,
  breakerHalfOpenProbes: 2,
  idempotencyWindowSeconds: 60,
};

/** The upstream client as the inference module wires it, on its own metrics, breakers and pools. */
export interface UpstreamHarness {
  config: InferenceModuleOptions;
  client: UpstreamClient;
  guards: UpstreamGuards;
  metrics: GatewayMetrics;
  close(): Promise<void>;
}

export function createUpstreamHarness(inference: Partial<typeof FAULT_SETTINGS> = {}): UpstreamHarness {
  const config = validateOptions(InferenceModuleOptions, { ...FAULT_SETTINGS, ...inference }, 'inference');
  const metrics = new GatewayMetrics({ processMetrics: false });
  const pools = new UpstreamPools(new RegistryOptions());
  const guards = new UpstreamGuards(config, metrics);
  return { config, client: new UpstreamClient(config, pools, guards), guards, metrics, close: () => pools.onApplicationShutdown() };
}

/** A resolved `kserve-v2` version served at `url`. */
export function versionAt(url: string, endpoint: Partial<HttpEndpoint> = {}): ResolvedModelVersion {
  return {
    cacheKey: `v-${url}`,
    model: { id: 'model-1', orgId: 'org-1', projectId: null, name: 'iris', sensitivity: 'internal' },
    version: {
      id: 'version-1',
      version: 1,
      stage: 'production',
      region: null,
      backend: 'kserve-v2',
      endpoint: { kind: 'http', url, ...endpoint },
      inputContract: { features: [], maxBatch: 1 },
      outputSchema: null,
      piiRule: null,
      cost: { units: 1, per: 'request' },
      deprecation: null,
    },
    resolvedBy: { alias: 'production' },
  };
}

let requestCounter = 0;

/** A POST infer request (not idempotent unless said so). */
export function inferRequest(over: Partial<UpstreamRequest> = {}): UpstreamRequest {
  requestCounter += 1;
  return {
    method: 'POST',
    path: '/v2/models/iris/infer',
    body: JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }),
    idempotent: false,
    requestId: `req-${requestCounter}`,
    ...over,
  };
}

/** A valid OIP v2 infer answer. */
export const OIP_ANSWER = JSON.stringify({ model_name: 'iris', outputs: [{ name: 'p', shape: [1], datatype: 'FP32', data: [0.25] }] });

/**
 * Runs `action` and returns what it threw, with how long it took, and the longest time a 10 ms timer
 * fired late meanwhile (`timerLagMs`): how long this process could not run timers at all (a loaded
 * machine, a garbage collection). Deadline assertions allow that much on top of their tolerance, so
 * they measure the client's deadline, not the test machine's load.
 */
export async function failureOf(
  action: () => Promise<unknown>,
): Promise<{ error: Error & Record<string, unknown>; elapsedMs: number; timerLagMs: number }> {
  const lag = timerLag();
  const started = performance.now();
  try {
    await action();
  } catch (error) {
    const elapsedMs = performance.now() - started;
    return { error: error as Error & Record<string, unknown>, elapsedMs, timerLagMs: lag.stop() };
  }
  lag.stop();
  throw new Error('expected the call to fail, but it succeeded');
}
