import { clientResponseHeaders, upstreamRequestHeaders } from './upstream-headers';

describe('upstream headers', () => {
  const values = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', requestId: 'req-1', hasBody: true };

  it('never forwards the gateway credential, cookies, hop-by-hop headers or client-set ids', () => {
    const sent = upstreamRequestHeaders(
      {
        authorization: 'Bearer gateway-token',
        'proxy-authorization': 'Basic x',
        cookie: 'session=1',
        'x-api-key': 'igk_secret',
        'client-cert': ':MIIB:',
        connection: 'keep-alive, x-private-hop',
        'x-private-hop': 'drop me',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        upgrade: 'h2c',
        te: 'trailers',
        host: 'gateway.example',
        'content-length': '12',
        'idempotency-key': 'k',
        traceparent: 'forged',
        'x-request-id': 'forged',
        'x-forwarded-for': '1.2.3.4',
        accept: 'application/json',
        'x-custom': ['a', 'b'],
      },
      values,
    );
    expect(sent).toEqual({
      accept: 'application/json',
      'x-custom': 'a, b',
      'content-type': 'application/json',
      'accept-encoding': 'identity',
      traceparent: values.traceparent,
      'x-request-id': 'req-1',
    });
  });

  it("adds the endpoint's headers, which win over the client's", () => {
    const sent = upstreamRequestHeaders(
      { 'x-model-key': 'client', 'content-type': 'text/plain' },
      { ...values, endpointHeaders: { 'X-Model-Key': 'server-secret' } },
    );
    expect(sent['x-model-key']).toBe('server-secret');
    expect(sent['content-type']).toBe('text/plain');
  });

  it('drops hop-by-hop, length, cookies, redirects and server identification from answers', () => {
    expect(
      clientResponseHeaders({
        'content-type': 'text/event-stream',
        'content-length': '10',
        connection: 'close, x-hop',
        'x-hop': '1',
        'transfer-encoding': 'chunked',
        'set-cookie': ['a=1'],
        server: 'uvicorn',
        'x-powered-by': 'triton',
        location: 'http://10.0.0.7/',
        'retry-after': '2',
      }),
    ).toEqual({ 'content-type': 'text/event-stream', 'retry-after': '2' });
  });
});
