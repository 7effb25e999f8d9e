/** Registers models over the registry's REST API, as a publisher would (no shortcuts through services). */
export interface VersionBody {
  backend: 'kserve-v2' | 'openai' | 'http-json' | 'onnx';
  endpoint: Record<string, unknown>;
  inputContract?: Record<string, unknown>;
  piiRule?: Record<string, unknown>;
  region?: string;
  cost?: { units: number; per: 'request' | 'element' };
}

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/**
 * POST /v1/models, POST …/versions, transitions draft → staging → production: what "register a model
 * with a schema and promote it" means for a publisher. The `production` alias is protected (org
 * admins move it); while it is unset, calls without a version follow the newest production version.
 */
export async function registerAndPromote(baseUrl: string, token: string, name: string, version: VersionBody): Promise<number> {
  await call(baseUrl, token, 'POST', '/v1/models', { name, sensitivity: 'public' });
  return addProductionVersion(baseUrl, token, name, version);
}

export async function addProductionVersion(baseUrl: string, token: string, name: string, version: VersionBody): Promise<number> {
  const created = (await call(baseUrl, token, 'POST', `/v1/models/${name}/versions`, version)) as { version: number };
  const path = `/v1/models/${name}/versions/${created.version}`;
  await call(baseUrl, token, 'POST', `${path}/transitions`, { to: 'staging', reason: 'e2e' });
  await call(baseUrl, token, 'POST', `${path}/transitions`, { to: 'production', reason: 'e2e' });
  return created.version;
}

export async function patchVersion(baseUrl: string, token: string, name: string, version: number, body: unknown): Promise<void> {
  await call(baseUrl, token, 'PATCH', `/v1/models/${name}/versions/${version}`, body);
}
