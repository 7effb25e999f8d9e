import { request as httpRequest } from 'node:http';
import { SCOPES } from '@infergate/contracts';
import { ApiKeysService, BOOTSTRAP_APPLICATION_ID, OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { GatewayMetrics } from '@infergate/observability';
import type { RunningGateway } from '../../support/in-process-gateway';

export const BOOTSTRAP_ENV = {
  BOOTSTRAP_ADMIN_CLIENT_ID: 'e2e-credentials-admin',
  BOOTSTRAP_ADMIN_CLIENT_SECRET: 'e2e-credentials-secret-0123456789abcdefghij',
  FAILED_AUTH_SLOW_AFTER: '1000',
  FAILED_AUTH_BLOCK_AFTER: '1000',
};

/** A valid API key and a valid access token of the bootstrap platform admin, both with every scope. */
export async function validCredentials(gateway: RunningGateway): Promise<{ apiKey: string; accessToken: string }> {
  const platform = (await gateway.app.get(OrganizationsService).list(SYSTEM_PRINCIPAL, { limit: 10, offset: 0 })).items[0];
  const { key } = await gateway.app
    .get(ApiKeysService)
    .create(SYSTEM_PRINCIPAL, platform.id, BOOTSTRAP_APPLICATION_ID, { name: 'e2e', scopes: [...SCOPES] });
  const basic = Buffer.from(`${BOOTSTRAP_ENV.BOOTSTRAP_ADMIN_CLIENT_ID}:${BOOTSTRAP_ENV.BOOTSTRAP_ADMIN_CLIENT_SECRET}`).toString('base64');
  const response = await fetch(`${gateway.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=admin',
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
  return { apiKey: key, accessToken: ((await response.json()) as { access_token: string }).access_token };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A GET over a real socket with header lines exactly as given, repeated names included: fetch and
 * undici merge or refuse repeated headers, node:http sends each value of an array as its own line.
 */
export function rawGet(url: string, headers: Record<string, string | string[]>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.on('error', reject);
    req.end();
  });
}

export type AuthnCounts = Map<string, number>;

/** infergate_authentications_total by `method/outcome/reason`. */
export async function authnCounts(gateway: RunningGateway): Promise<AuthnCounts> {
  const { values } = await gateway.app.get(GatewayMetrics).authentications.get();
  return new Map(values.map((v) => [`${v.labels.method}/${v.labels.outcome}/${v.labels.reason}`, v.value]));
}

/** What changed between two readings, without the unchanged series. */
export function authnDelta(before: AuthnCounts, after: AuthnCounts): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of after) {
    const change = value - (before.get(key) ?? 0);
    if (change !== 0) delta[key] = change;
  }
  return delta;
}
