import Fastify, { type FastifyInstance } from 'fastify';
import { createGatewayLoggers } from './loggers';
import { registerAccessLog } from './access-log';
import { captureLog, type LogCapture } from './testing/log-capture';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl';

/** A real Fastify server with the gateway's access log writing into a string. */
async function loggedServer(level = 'info'): Promise<LogCapture & { app: FastifyInstance; url: string }> {
  const log = captureLog();
  let next = 0;
  const app = Fastify({ genReqId: () => `req-${(next += 1)}` });
  registerAccessLog(app, createGatewayLoggers(level, log.stream).access);
  app.get('/v1/models', (request) => {
    (request.raw as { principal?: unknown }).principal = {
      subject: 'app-123',
      orgId: 'org-456',
      scopes: ['admin'],
      tokenId: 'jti-secret-ish',
    };
    return { ok: true };
  });
  app.get('/anonymous', () => ({ ok: true }));
  app.get('/health/live', () => ({ status: 'up' }));
  app.get('/broken', () => {
    throw new Error('upstream exploded');
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { ...log, app, url };
}

/** Log lines are written asynchronously after the response: wait until `count` have arrived. */
async function settle(server: { lines: () => unknown[] }, count: number): Promise<void> {
  for (let i = 0; i < 100 && server.lines().length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('access log', () => {
  it('writes one line per request with request id, trace id, principal and organization, and no credential', async () => {
    const server = await loggedServer();
    try {
      const response = await fetch(`${server.url}/v1/models?api_key=ig_topsecret`, {
        headers: { authorization: `Bearer ${TOKEN}`, traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`, cookie: 'sid=abc123' },
      });
      expect(response.status).toBe(200);
      await settle(server, 1);
    } finally {
      await server.app.close();
    }
    const lines = server.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request completed',
      requestId: 'req-1',
      traceId: TRACE_ID,
      principalId: 'app-123',
      orgId: 'org-456',
      res: { statusCode: 200 },
    });
    expect(lines[0].req).toEqual({ id: 'req-1', method: 'GET', url: '/v1/models', userAgent: expect.any(String) });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(server.raw()).not.toMatch(/eyJhbGciOi|topsecret|abc123|jti-secret-ish|authorization/i);
  });

  it('leaves the principal out before authentication, ignores a malformed traceparent and skips health probes', async () => {
    const server = await loggedServer();
    try {
      await fetch(`${server.url}/health/live`);
      await fetch(`${server.url}/anonymous`, { headers: { traceparent: 'not-a-traceparent' } });
      await settle(server, 1);
    } finally {
      await server.app.close();
    }
    const lines = server.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ requestId: 'req-2', req: { url: '/anonymous' } });
    expect(lines[0]).not.toHaveProperty('traceId');
    expect(lines[0]).not.toHaveProperty('principalId');
    expect(lines[0]).not.toHaveProperty('orgId');
  });

  it('logs a 5xx answer at error level', async () => {
    const server = await loggedServer();
    try {
      expect((await fetch(`${server.url}/broken`)).status).toBe(500);
      await settle(server, 1);
    } finally {
      await server.app.close();
    }
    expect(server.lines()[0]).toMatchObject({ level: 'error', msg: 'request errored', res: { statusCode: 500 } });
    expect(server.raw()).not.toContain('upstream exploded');
  });

  it('writes nothing below info level', async () => {
    const server = await loggedServer('warn');
    try {
      await fetch(`${server.url}/broken`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await server.app.close();
    }
    expect(server.raw()).toBe('');
  });
});
