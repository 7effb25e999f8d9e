import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test model server saw: every request, and the ones that reached the inference route. */
export interface ServerLog {
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  inferCalls: number;
}

export interface TestModelServer {
  url: string;
  log: ServerLog;
  /** Switches the server's behaviour for the following requests. */
  mode: ServerMode;
  close(): Promise<void>;
}

/** Deterministic faults a test can switch on. */
export type ServerMode = 'ok' | 'hang' | 'fail-500' | 'huge-body';

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server, sockets: Set<import('node:net').Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * A KServe Open Inference Protocol v2 server for one model, `name`, answering real OIP payloads:
 * `GET /v2/models/{name}` (metadata), `GET /v2/models/{name}/ready`, `POST /v2/models/{name}/infer`
 * computing `<input>_score = 2·x + 1` element-wise for every input (so tests can check the numbers),
 * and `POST /echo`, a plain JSON server that answers `{outputs: <the request body>}`.
 */
export async function startKserveServer(name: string): Promise<TestModelServer> {
  const log: ServerLog = { requests: [], inferCalls: 0 };
  const sockets = new Set<import('node:net').Socket>();
  const state: { mode: ServerMode } = { mode: 'ok' };
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      log.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const base = `/v2/models/${name}`;
      if (request.method === 'POST' && request.url === '/echo') {
        // A plain JSON model server (http-json backend): answers what it received, as `outputs`.
        log.inferCalls += 1;
        return json(response, 200, { outputs: JSON.parse(body) as unknown });
      }
      if (request.method === 'GET' && request.url === `${base}/ready`) return json(response, 200, { name, ready: true });
      if (request.method === 'GET' && request.url === base) {
        return json(response, 200, {
          name,
          versions: ['1'],
          platform: 'test',
          inputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
          outputs: [{ name: 'score', datatype: 'FP32', shape: [-1] }],
        });
      }
      if (request.method === 'POST' && (request.url === `${base}/infer` || request.url?.startsWith(`${base}/versions/`))) {
        log.inferCalls += 1;
        if (state.mode === 'hang') return; // never answers
        if (state.mode === 'fail-500') return json(response, 500, { error: 'internal failure at model-host.internal:8080' });
        if (state.mode === 'huge-body') {
          response.writeHead(200, { 'content-type': 'application/json' });
          const filler = 'x'.repeat(64 * 1024);
          let sent = 0;
          const push = (): void => {
            while (sent < 400 && response.write(`"${filler}",`)) sent++;
            if (sent < 400) response.once('drain', push);
            else response.end('"end"]}');
          };
          response.write('{"model_name":"m","outputs":[');
          return push();
        }
        const parsed = JSON.parse(body) as {
          id?: string;
          inputs: Array<{ name: string; shape: number[]; datatype: string; data: number[] }>;
        };
        const outputs = parsed.inputs.map((input) => ({
          name: `${input.name}_score`,
          datatype: 'FP64',
          shape: input.shape,
          data: input.data.flat(Infinity).map((x) => 2 * Number(x) + 1),
        }));
        return json(response, 200, { model_name: name, model_version: '7', ...(parsed.id ? { id: parsed.id } : {}), outputs });
      }
      json(response, 404, { error: 'not found' });
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const url = await listen(server);
  return {
    url,
    log,
    get mode() {
      return state.mode;
    },
    set mode(mode: ServerMode) {
      state.mode = mode;
    },
    close: closer(server, sockets),
  };
}

/** How the OpenAI test server's streams behave, and what it observed about them. */
export interface OpenAiServer extends TestModelServer {
  /** Set when a streaming request's connection closed before the server finished the stream. */
  streamClosedEarly: Promise<void>;
  /** Chunks the server wrote to the current stream so far. */
  chunksWritten(): number;
}

/**
 * An OpenAI-compatible server: `POST /v1/chat/completions` (JSON, or SSE when `stream: true`: one
 * chunk per word of "alpha beta gamma ... " every `chunkDelayMs`, then `data: [DONE]`),
 * `/v1/completions`, `/v1/embeddings` (a fixed 3-dimensional vector per input).
 */
export async function startOpenAiServer(options: { chunks?: number; chunkDelayMs?: number } = {}): Promise<OpenAiServer> {
  const chunkCount = options.chunks ?? 5;
  const delay = options.chunkDelayMs ?? 100;
  const log: ServerLog = { requests: [], inferCalls: 0 };
  const sockets = new Set<import('node:net').Socket>();
  const state: { mode: ServerMode; written: number } = { mode: 'ok', written: 0 };
  let markClosed!: () => void;
  const streamClosedEarly = new Promise<void>((resolve) => (markClosed = resolve));
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      log.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      if (request.method !== 'POST') return json(response, 404, { error: 'not found' });
      log.inferCalls += 1;
      if (state.mode === 'hang') return;
      if (state.mode === 'fail-500') return json(response, 500, { error: 'boom at upstream.internal' });
      const parsed = JSON.parse(body) as { model: string; stream?: boolean; input?: unknown };
      if (request.url === '/v1/embeddings') {
        const inputs = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
        return json(response, 200, {
          object: 'list',
          model: parsed.model,
          data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })),
          usage: { prompt_tokens: 3, total_tokens: 3 },
        });
      }
      if (request.url === '/v1/completions') {
        return json(response, 200, {
          id: 'cmpl-1',
          object: 'text_completion',
          model: parsed.model,
          choices: [{ index: 0, text: 'alpha beta', finish_reason: 'stop' }],
        });
      }
      if (request.url !== '/v1/chat/completions') return json(response, 404, { error: 'not found' });
      if (!parsed.stream) {
        return json(response, 200, {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          model: parsed.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'alpha beta gamma' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
        });
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      state.written = 0;
      let finished = false;
      response.on('close', () => {
        if (!finished) markClosed();
      });
      for (let index = 0; index < chunkCount; index++) {
        if (response.destroyed) return;
        const chunk = {
          id: 'chatcmpl-1',
          object: 'chat.completion.chunk',
          model: parsed.model,
          choices: [{ index: 0, delta: { content: `${words[index % words.length]} ` }, finish_reason: null }],
        };
        response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        state.written += 1;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      finished = true;
      response.end('data: [DONE]\n\n');
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const url = await listen(server);
  return {
    url,
    log,
    get mode() {
      return state.mode;
    },
    set mode(mode: ServerMode) {
      state.mode = mode;
    },
    streamClosedEarly,
    chunksWritten: () => state.written,
    close: closer(server, sockets),
  };
}
