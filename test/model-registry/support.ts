import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import type { RunningGateway } from '../support/in-process-gateway';

/** A MODELS_DIR with one (fake) ONNX file, for onnx endpoints. */
export function modelsDirWithOneFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'infergate-models-'));
  mkdirSync(join(dir, 'demo'));
  writeFileSync(join(dir, 'demo', 'iris.onnx'), 'not really onnx');
  return dir;
}

export async function createOrg(gateway: RunningGateway, name: string): Promise<string> {
  return (
    await gateway.app
      .get(OrganizationsService)
      .create(SYSTEM_PRINCIPAL, { name, allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' })
  ).id;
}

export interface HttpAnswer {
  status: number;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** A JSON call with a bearer token. */
export async function call(gateway: RunningGateway, token: string, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** A problem body without what differs per request. */
export const stable = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });

/** An http endpoint on a public address (no DNS needed) carrying an upstream secret. */
export const UPSTREAM_SECRET = 'upstream-secret-value-0123456789';
export const httpEndpoint = (path = '/v2') => ({
  kind: 'http',
  url: `http://93.184.216.34${path}`,
  headers: { authorization: `Bearer ${UPSTREAM_SECRET}` },
  timeouts: { totalMs: 5000 },
});
