import pino from 'pino';
import { Writable } from 'node:stream';
import { pathWithoutQuery, pinoOptions } from './log-redaction';

function capture(): { logger: pino.Logger; lines: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: pino(pinoOptions('info'), sink), lines: () => text };
}

describe('log redaction', () => {
  it('blanks credentials in request headers', () => {
    const { logger, lines } = capture();
    logger.info({
      req: {
        headers: { authorization: 'Bearer eyJhbGciOi.secret', cookie: 'sid=abc123', 'x-api-key': 'ig_key_topsecret', 'user-agent': 'curl' },
      },
    });
    const out = lines();
    expect(out).not.toMatch(/eyJhbGciOi|abc123|topsecret/);
    expect(out).toContain('curl');
    expect(out).toContain('[redacted]');
  });

  it('blanks bodies and secret-named fields at the first two levels', () => {
    const { logger, lines } = capture();
    logger.info({ body: { prompt: 'patient record' }, client: { clientSecret: 's1', password: 'p1', token: 't1' }, apiKey: 'k1' });
    const out = lines();
    expect(out).not.toMatch(/patient record|"s1"|"p1"|"t1"|"k1"/);
  });

  it('keeps the path and drops the query string', () => {
    expect(pathWithoutQuery('/v1/models?api_key=abc')).toBe('/v1/models');
    expect(pathWithoutQuery('/health/live')).toBe('/health/live');
    expect(pathWithoutQuery(undefined)).toBe('/');
  });
});
