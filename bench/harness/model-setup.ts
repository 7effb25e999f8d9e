import { FEATURES, MODEL_NAME, issueToken, type BenchGateway, type Tenancy } from './gateway';

/**
 * Registers the bench model `m` through the registry's REST API, as the bench organization's
 * publisher: a kserve-v2 version pointing at the mock upstream, with an input contract of a few
 * numeric features, moved draft → staging → production. Then finds which native body shape the
 * inference route accepts. Any failure is returned as a one-line reason (the full-chain targets are
 * then reported "unavailable"), never thrown past the harness.
 */
export interface ModelReady {
  inferPath: string;
  body: string;
}

export const INPUT_CONTRACT = {
  features: FEATURES.map((name) => ({ name, type: 'number', minimum: -1000, maximum: 1000 })),
  maxBatch: 16,
};

/** Native bodies the inference route may accept, in order of preference: one row, then a batch of one. */
const ROW = Object.fromEntries(FEATURES.map((name, i) => [name, i + 0.5]));
const BODY_CANDIDATES = [JSON.stringify({ inputs: ROW }), JSON.stringify({ instances: [ROW] })];

async function send(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const brief = (text: string) => text.replace(/\s+/g, ' ').slice(0, 200);

export async function registerBenchModel(
  gateway: BenchGateway,
  tenancy: Tenancy,
  upstreamUrl: string,
  consumerToken: string,
): Promise<ModelReady> {
  const publisher = await issueToken(gateway.url, tenancy.publisher.clientId, tenancy.publisher.secret, 'models:read models:write');
  const expectOk = async (what: string, method: string, path: string, body?: unknown) => {
    const answer = await send(gateway.url, publisher, method, path, body);
    if (answer.status >= 300) throw new Error(`${what}: ${method} ${path} answered ${answer.status} ${brief(answer.text)}`);
    return answer;
  };
  const created = await expectOk('create model', 'POST', '/v1/models', {
    name: MODEL_NAME,
    sensitivity: 'internal',
    description: 'benchmark model',
  });
  // The platform admin lives in another organization: it names the model by id, not by name.
  const modelId = (JSON.parse(created.text) as { id?: string }).id ?? MODEL_NAME;
  const version = await expectOk('create version', 'POST', `/v1/models/${MODEL_NAME}/versions`, {
    backend: 'kserve-v2',
    endpoint: { kind: 'http', url: upstreamUrl, upstreamModel: MODEL_NAME },
    inputContract: INPUT_CONTRACT,
  });
  const number = (JSON.parse(version.text) as { version?: number }).version ?? 1;
  for (const to of ['staging', 'production']) {
    await expectOk(`promote to ${to}`, 'POST', `/v1/models/${MODEL_NAME}/versions/${number}/transitions`, { to, reason: 'benchmark' });
  }
  // Promotion may or may not move the protected `production` alias; moving it takes `administer`
  // (the platform admin), so check first and set it only when it does not point at this version.
  const aliases = await expectOk('list aliases', 'GET', `/v1/models/${MODEL_NAME}/aliases`);
  const list = JSON.parse(aliases.text) as Array<{ name: string; version: number }> | { items: Array<{ name: string; version: number }> };
  const items = Array.isArray(list) ? list : list.items;
  if (!items.some((alias) => alias.name === 'production' && alias.version === number)) {
    const answer = await send(gateway.url, tenancy.adminToken, 'PUT', `/v1/models/${modelId}/aliases/production`, {
      version: number,
      reason: 'benchmark',
    });
    if (answer.status >= 300) throw new Error(`set alias production: PUT answered ${answer.status} ${brief(answer.text)}`);
  }

  const inferPath = `/v1/models/${MODEL_NAME}/infer`;
  const refusals: string[] = [];
  for (const body of BODY_CANDIDATES) {
    const answer = await send(gateway.url, consumerToken, 'POST', inferPath, body);
    if (answer.status === 200) return { inferPath, body };
    refusals.push(`${answer.status} ${brief(answer.text)}`);
  }
  throw new Error(`POST ${inferPath} refused every body shape: ${refusals.join(' / ')}`);
}
