import { checkPlain } from '@infergate/validation';
import { CreateModelDto, ListModelsQueryDto } from './model.dto';
import { CreateVersionDto, TransitionDto, UpdateVersionDto } from './model-version.dto';
import { HttpEndpointDto } from './endpoint.dto';

const http = { kind: 'http', url: 'http://93.184.216.34/' };

function errors(dto: new () => object, raw: unknown): [string, string][] {
  const result = checkPlain(dto, raw);
  return result.ok ? [] : result.errors.map((error) => [error.pointer, error.detail]);
}

describe('registry request DTOs', () => {
  it("builds a version body with today's defaults and the endpoint class its kind names", () => {
    const result = checkPlain(CreateVersionDto, { backend: 'http-json', endpoint: { ...http, headers: { 'x-key': 'v' } } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.endpoint).toBeInstanceOf(HttpEndpointDto);
    expect(JSON.parse(JSON.stringify(result.value))).toEqual({
      backend: 'http-json',
      endpoint: { ...http, headers: { 'x-key': 'v' } },
      inputContract: { features: [], maxBatch: 1000 },
      outputSchema: null,
      piiRule: null,
      region: null,
      cost: { units: 1, per: 'request' },
    });
  });

  it('reports a backend/endpoint mismatch at /endpoint/kind', () => {
    expect(errors(CreateVersionDto, { backend: 'onnx', endpoint: http })).toEqual([
      ['/endpoint/kind', 'An onnx version has an onnx endpoint.'],
    ]);
    expect(errors(CreateVersionDto, { backend: 'openai', endpoint: { kind: 'onnx', modelPath: 'a.onnx' } })).toEqual([
      ['/endpoint/kind', 'This backend has an http endpoint.'],
    ]);
  });

  it('refuses an unknown kind, members of the other kind, and unknown nested members at their pointers', () => {
    expect(errors(CreateVersionDto, { backend: 'http-json', endpoint: { kind: 'ftp', url: 'x' } })).toEqual([
      ['/endpoint/kind', 'kind must be "http" (with a url) or "onnx" (with a modelPath).'],
    ]);
    expect(errors(CreateVersionDto, { backend: 'onnx', endpoint: { kind: 'onnx', modelPath: 'a.onnx', url: 'http://x/' } })).toEqual([
      ['/endpoint/url', 'This field is not allowed.'],
    ]);
    expect(errors(CreateVersionDto, { backend: 'http-json', endpoint: { ...http, timeouts: { connectMs: 5, readMs: 1 } } })).toEqual([
      ['/endpoint/timeouts/readMs', 'This field is not allowed.'],
    ]);
  });

  it('keeps the endpoint rules: key with certificate, forwarded headers, numbers that are numbers', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----';
    expect(errors(UpdateVersionDto, { endpoint: { ...http, tls: { certPem: pem } } })).toEqual([
      ['/endpoint/tls/keyPem', 'A client certificate and its key come together.'],
    ]);
    expect(errors(UpdateVersionDto, { endpoint: { ...http, tls: { keyPem: pem } } })).toEqual([
      ['/endpoint/tls/keyPem', 'A client certificate and its key come together.'],
    ]);
    expect(errors(UpdateVersionDto, { endpoint: { ...http, headers: { Host: 'evil' } } })).toEqual([
      ['/endpoint/headers', '"Host": This header is set by the gateway.'],
    ]);
    expect(errors(UpdateVersionDto, { endpoint: { ...http, maxInFlight: '5' } })).toEqual([
      ['/endpoint/maxInFlight', 'Must be an integer.'],
    ]);
  });

  it('keeps the deprecation rules', () => {
    expect(errors(UpdateVersionDto, { deprecation: { deprecatedAt: '2026-06-01T00:00:00Z', sunsetAt: '2026-01-01T00:00:00Z' } })).toEqual([
      ['/deprecation/sunsetAt', 'The sunset cannot come before the deprecation.'],
    ]);
    expect(errors(UpdateVersionDto, { deprecation: { deprecatedAt: '2026-06-01' } })).toEqual([
      ['/deprecation/deprecatedAt', 'Must be an ISO 8601 date-time, such as 2026-01-31T00:00:00Z.'],
    ]);
    expect(errors(UpdateVersionDto, { deprecation: null })).toEqual([]);
  });

  it('validates the input contract inside the version body at /inputContract/...', () => {
    expect(
      errors(CreateVersionDto, { backend: 'http-json', endpoint: http, inputContract: { features: [{ name: 'x', type: 'enum' }] } }),
    ).toEqual([['/inputContract/features/0/values', 'an enum feature lists its values']]);
  });

  it('keeps the model rules and defaults; null only where it clears something', () => {
    const created = checkPlain(CreateModelDto, { name: 'churn' });
    expect(created.ok && { tags: created.value.tags, sensitivity: created.value.sensitivity }).toEqual({
      tags: [],
      sensitivity: 'internal',
    });
    expect(errors(CreateModelDto, { name: '3f1c2d4e-0000-4000-8000-000000000000' })).toEqual([
      ['/name', 'A model name must not look like a UUID (ids and names share the URL).'],
    ]);
    expect(errors(CreateModelDto, { name: 'a', tags: ['x', 'x'] })).toEqual([['/tags', 'Must not repeat a tag.']]);
    expect(errors(CreateModelDto, { name: 'a', description: null })).toEqual([['/description', 'Must be a string.']]);
  });

  it('trims a reason before checking it, and converts only the paging of a query', () => {
    expect(errors(TransitionDto, { to: 'production', reason: '   ' })).toEqual([['/reason', 'Must not be empty.']]);
    const query = checkPlain(ListModelsQueryDto, { limit: '10', name: 'ch' });
    expect(query.ok && { limit: query.value.limit, offset: query.value.offset }).toEqual({ limit: 10, offset: 0 });
    expect(errors(ListModelsQueryDto, { stage: 'live' })).toEqual([
      ['/stage', 'Must be one of: draft, staging, production, deprecated, archived.'],
    ]);
  });
});
