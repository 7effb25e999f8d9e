import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchIdpJson, IdpUnavailableError, isAllowedIdpUrl } from './idp-http';

describe(fetchIdpJson.name, () => {
  let server: Server;
  let origin: string;
  let hits: string[];

  beforeAll(async () => {
    hits = [];
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      if (request.url === '/ok') return void response.end('{"keys":[]}');
      if (request.url === '/redirect') return void response.writeHead(302, { location: '/ok' }).end();
      if (request.url === '/big') return void response.end(`{"x":"${'a'.repeat(300 * 1024)}"}`);
      if (request.url === '/not-json') return void response.end('<html>');
      if (request.url === '/slow') return void setTimeout(() => response.end('{}'), 500);
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('parses a JSON answer', async () => {
    await expect(fetchIdpJson(`${origin}/ok`)).resolves.toEqual({ keys: [] });
  });

  it.each([
    ['a redirect (not followed)', '/redirect'],
    ['an answer over the size cap', '/big'],
    ['an answer that is not JSON', '/not-json'],
    ['an error status', '/error'],
  ])('refuses %s', async (_name, path) => {
    const before = hits.filter((hit) => hit === '/ok').length;
    await expect(fetchIdpJson(`${origin}${path}`)).rejects.toBeInstanceOf(IdpUnavailableError);
    expect(hits.filter((hit) => hit === '/ok').length).toBe(before);
  });

  it('gives up after the timeout', async () => {
    await expect(fetchIdpJson(`${origin}/slow`, { timeoutMs: 50 })).rejects.toBeInstanceOf(IdpUnavailableError);
  });

  it('refuses a URL the policy forbids without calling it', async () => {
    await expect(fetchIdpJson('http://example.com/jwks')).rejects.toBeInstanceOf(IdpUnavailableError);
  });
});

describe(isAllowedIdpUrl.name, () => {
  it.each([
    ['https://idp.example.com/realms/a', true],
    ['http://127.0.0.1:8080/jwks', true],
    ['http://localhost/jwks', true],
    ['http://[::1]:80/jwks', true],
    ['http://idp.example.com/jwks', false],
    ['http://169.254.169.254/latest', false],
    ['file:///etc/passwd', false],
    ['https://user:pass@idp.example.com/', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedIdpUrl(url)).toBe(allowed);
  });
});
