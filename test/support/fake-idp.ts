import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CryptoKey, exportJWK, generateKeyPair, JWK, JWTPayload, SignJWT } from 'jose';

export type FakeIdpAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA';

export interface FakeIdpKey {
  kid: string;
  alg: FakeIdpAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface FakeIdpOptions {
  /** Path of the issuer under the server's origin, e.g. `/realms/acme` for a Keycloak-shaped issuer. */
  issuerPath?: string;
  algorithms?: FakeIdpAlgorithm[];
  /** Credentials the introspection endpoint requires (client_secret_basic). */
  introspectionClient?: { clientId: string; clientSecret: string };
}

export interface SignOptions {
  alg?: FakeIdpAlgorithm;
  kid?: string;
  /** Extra protected header members (typ, jku, x5u, jwk, x5c, crit...). */
  header?: Record<string, unknown>;
  /** Sign with this key instead of one of the IdP's. */
  key?: CryptoKey;
}

/**
 * A JWKS / OIDC discovery / RFC 7662 introspection server on 127.0.0.1, for tests. It counts every
 * request it receives (by path), can be taken down (503 or a dropped connection), and mints tokens
 * with its keys.
 */
export class FakeIdp {
  readonly requests: { method: string; path: string }[] = [];
  keys: FakeIdpKey[] = [];
  /** 'up' answers; '503' answers 503 to everything; 'drop' destroys every connection. */
  mode: 'up' | '503' | 'drop' = 'up';
  private readonly opaque = new Map<string, Record<string, unknown>>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly options: FakeIdpOptions,
  ) {}

  static async start(options: FakeIdpOptions = {}): Promise<FakeIdp> {
    const holder: { idp?: FakeIdp } = {};
    const server = createServer((request, response) => void holder.idp?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const idp = new FakeIdp(server, `http://127.0.0.1:${port}`, options);
    holder.idp = idp;
    for (const alg of options.algorithms ?? ['RS256']) await idp.addKey(alg);
    return idp;
  }

  get issuer(): string {
    return `${this.origin}${this.options.issuerPath ?? ''}`;
  }

  get jwksUri(): string {
    return `${this.issuer}/protocol/openid-connect/certs`;
  }

  get introspectionEndpoint(): string {
    return `${this.issuer}/protocol/openid-connect/token/introspect`;
  }

  /** Requests received, all of them or those to one path. */
  count(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((request) => request.path === path).length;
  }

  jwksFetches(): number {
    return this.count(new URL(this.jwksUri).pathname);
  }

  async addKey(alg: FakeIdpAlgorithm, kid = randomUUID()): Promise<FakeIdpKey> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const key = { kid, alg, privateKey, publicJwk };
    this.keys.push(key);
    return key;
  }

  async sign(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
    const key = options.alg ? this.keys.find((candidate) => candidate.alg === options.alg) : this.keys[0];
    if (!key) throw new Error(`no ${options.alg} key`);
    const header = { alg: key.alg, kid: options.kid ?? key.kid, typ: 'JWT', ...options.header };
    return new SignJWT(claims).setProtectedHeader(header).sign(options.key ?? key.privateKey);
  }

  /** Baseline claims of a token of this IdP for `audience`, valid for five minutes. */
  claims(audience: string, extra: JWTPayload = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return { iss: this.issuer, aud: audience, iat: now, exp: now + 300, jti: randomUUID(), ...extra };
  }

  /** What introspection answers for `token` (anything unknown is `{active: false}`). */
  registerOpaqueToken(token: string, answer: Record<string, unknown>): void {
    this.opaque.set(token, answer);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', this.origin).pathname;
    this.requests.push({ method: request.method ?? 'GET', path });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (this.mode === 'drop') {
      request.socket.destroy();
      return;
    }
    if (this.mode === '503') return this.json(response, 503, { error: 'temporarily_unavailable' });

    const issuerPath = this.options.issuerPath ?? '';
    if (request.method === 'GET' && path === `${issuerPath}/.well-known/openid-configuration`) {
      return this.json(response, 200, {
        issuer: this.issuer,
        jwks_uri: this.jwksUri,
        introspection_endpoint: this.introspectionEndpoint,
        token_endpoint: `${this.issuer}/protocol/openid-connect/token`,
      });
    }
    if (request.method === 'GET' && path === new URL(this.jwksUri).pathname) {
      return this.json(response, 200, { keys: this.keys.map((key) => key.publicJwk) });
    }
    if (request.method === 'POST' && path === new URL(this.introspectionEndpoint).pathname) {
      if (!this.authorized(request.headers.authorization)) return this.json(response, 401, { error: 'invalid_client' });
      const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
      return this.json(response, 200, this.opaque.get(token) ?? { active: false });
    }
    return this.json(response, 404, { error: 'not_found' });
  }

  private authorized(header: string | undefined): boolean {
    const client = this.options.introspectionClient;
    if (!client) return true;
    const expected = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
    return header === `Basic ${expected}`;
  }

  private json(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }
}

/**
 * Failed authentications are expected by the hundreds in token suites; the per-source limiter would
 * otherwise slow and then block the test client.
 */
export const TOKEN_SUITE_ENV = { FAILED_AUTH_SLOW_AFTER: '1000000', FAILED_AUTH_BLOCK_AFTER: '1000000', LOG_LEVEL: 'silent' };
