import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pinoHttp from 'pino-http';
import pino from 'pino';
import { httpLoggerOptions } from './http-logger.options';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl';

/** A real HTTP server logging through the gateway's pino-http options into a string. */
async function loggedServer(onRequest: (req: IncomingMessage & { principal?: unknown }) => void) {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const options = httpLoggerOptions('info');
  const middleware = pinoHttp({ ...options, logger: pino(options, sink) });
  let next = 0;
  const server: Server = createServer((req, res) => {
    (req as IncomingMessage & { id?: string }).id = `req-${(next += 1)}`;
    middleware(req, res);
    onRequest(req);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    raw: () => text,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('request log lines', () => {
  it('carry the request id, trace id, principal id and organization, and no credential', async () => {
    const server = await loggedServer((req) => {
      // What the authentication guard leaves on the raw request.
      req.principal = { subject: 'app-123', orgId: 'org-456', scopes: ['admin'], tokenId: 'jti-secret-ish' };
    });
    try {
      await fetch(`${server.url}/v1/models?api_key=ig_topsecret`, {
        headers: { authorization: `Bearer ${TOKEN}`, traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`, cookie: 'sid=abc123' },
      });
    } finally {
      await server.close();
    }
    const [line] = server.lines();
    expect(line).toMatchObject({ requestId: 'req-1', traceId: TRACE_ID, principalId: 'app-123', orgId: 'org-456' });
    expect(line.req).toEqual({ id: 'req-1', method: 'GET', url: '/v1/models', userAgent: expect.any(String) });
    expect(server.raw()).not.toMatch(/eyJhbGciOi|topsecret|abc123|jti-secret-ish|authorization/i);
  });

  it('leave the principal out before authentication and ignore a malformed traceparent', async () => {
    const server = await loggedServer(() => undefined);
    try {
      await fetch(server.url, { headers: { traceparent: 'not-a-traceparent' } });
    } finally {
      await server.close();
    }
    const [line] = server.lines();
    expect(line).toMatchObject({ requestId: 'req-1' });
    expect(line).not.toHaveProperty('traceId');
    expect(line).not.toHaveProperty('principalId');
    expect(line).not.toHaveProperty('orgId');
  });
});
