import type { HttpEndpoint } from '@infergate/model-registry';
import { UpstreamMalformedError, UpstreamStatusError } from '../../resilience/upstream.errors';
import type { UpstreamResponse } from '../upstream.types';
import { httpJson } from './http-json.protocol';
import { kserveV2 } from './kserve-v2.protocol';
import { openAi } from './openai.protocol';

const endpoint: HttpEndpoint = { kind: 'http', url: 'http://127.0.0.1:9000' };
const renamed: HttpEndpoint = { ...endpoint, upstreamModel: 'credit risk/v7' };

function response(status: number, body: string, headers: Record<string, string> = {}): UpstreamResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(body), attempts: 1 };
}

describe('kserve-v2 protocol', () => {
  it('builds the OIP paths from the upstream model name, URL-encoded, with an optional version', () => {
    expect(kserveV2.inferPath(endpoint, 'iris')).toBe('/v2/models/iris/infer');
    expect(kserveV2.inferPath(renamed, 'iris', '3')).toBe('/v2/models/credit%20risk%2Fv7/versions/3/infer');
    expect(kserveV2.metadataPath(endpoint, 'iris')).toBe('/v2/models/iris');
    expect(kserveV2.readyPath(endpoint, 'iris', '1')).toBe('/v2/models/iris/versions/1/ready');
  });

  it('accepts an answer with an outputs array of tensors', () => {
    const answer = { model_name: 'iris', outputs: [{ name: 'p', shape: [1], datatype: 'FP32', data: [0.5] }] };
    expect(kserveV2.parseInferResponse(response(200, JSON.stringify(answer)))).toEqual(answer);
  });

  it.each([
    ['not JSON', '<html>upstream stack trace</html>'],
    ['an array', '[]'],
    ['no outputs', '{"model_name":"iris"}'],
    ['outputs not an array', '{"outputs":{}}'],
    ['outputs without tensors', '{"outputs":[{"data":[1]}]}'],
  ])('refuses %s as a bad upstream answer without echoing it', (_, body) => {
    const error = (() => {
      try {
        kserveV2.parseInferResponse(response(200, body));
      } catch (e) {
        return e as UpstreamMalformedError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(UpstreamMalformedError);
    expect(error.status).toBe(502);
    expect(error.message + error.detail).not.toContain('stack');
  });

  it('maps upstream error statuses without their body', () => {
    expect(() => kserveV2.parseInferResponse(response(400, '{"error":"bad shape"}'))).toThrow(
      expect.objectContaining({ status: 422, type: 'urn:infergate:problem:upstream-rejected-input' }),
    );
    expect(() => kserveV2.parseInferResponse(response(500, 'Traceback'))).toThrow(UpstreamStatusError);
    expect(() => kserveV2.parseInferResponse(response(500, 'Traceback'))).toThrow(expect.objectContaining({ status: 502 }));
    expect(() => kserveV2.parseInferResponse(response(429, '', { 'retry-after': '7' }))).toThrow(
      expect.objectContaining({ status: 503, headers: { 'Retry-After': '7' } }),
    );
  });

  it('reports ready only on 200', () => {
    expect(kserveV2.isReady(response(200, ''))).toBe(true);
    expect(kserveV2.isReady(response(503, ''))).toBe(false);
  });
});

describe('openai protocol', () => {
  it('uses the /v1 paths', () => {
    expect(openAi.path('chat/completions')).toBe('/v1/chat/completions');
    expect(openAi.path('embeddings')).toBe('/v1/embeddings');
  });

  it('rewrites model to the upstream name and back to the registry name', () => {
    const sent = JSON.parse(openAi.requestBody({ model: 'chat', messages: [], stream: true }, renamed, 'chat').toString()) as Record<
      string,
      unknown
    >;
    expect(sent).toEqual({ model: 'credit risk/v7', messages: [], stream: true });
    expect(JSON.parse(openAi.requestBody({ model: 'x' }, endpoint, 'chat').toString())).toEqual({ model: 'chat' });
    expect(openAi.parseResponse(response(200, '{"model":"credit risk/v7","choices":[]}'), 'chat')).toEqual({ model: 'chat', choices: [] });
    expect(openAi.isStreaming({ stream: true })).toBe(true);
    expect(openAi.isStreaming({ stream: 'true' })).toBe(false);
  });

  it('refuses non-JSON answers', () => {
    expect(() => openAi.parseResponse(response(200, 'data: {}\n\n'), 'chat')).toThrow(UpstreamMalformedError);
  });
});

describe('http-json protocol', () => {
  it('posts to the endpoint URL as is and wants a JSON object back', () => {
    expect(httpJson.path).toBe('');
    expect(httpJson.requestBody({ a: 1 }).toString()).toBe('{"a":1}');
    expect(httpJson.parseResponse(response(200, '{"score":0.2}'))).toEqual({ score: 0.2 });
    expect(() => httpJson.parseResponse(response(200, '"text"'))).toThrow(UpstreamMalformedError);
  });
});
