import type { UpstreamHeaders } from './upstream.types';

/** RFC 9110 §7.6.1 connection-specific fields, plus the ones proxies must not forward. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Request headers that never go upstream: the gateway credential (Authorization, X-API-Key, the
 * client certificate a TLS-terminating proxy forwarded), cookies, what undici computes itself
 * (host, content-length, expect), the client's idempotency key (scoped to the principal here) and the
 * trace/request ids (set by the gateway).
 */
const NEVER_FORWARDED = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'client-cert',
  'client-cert-chain',
  'x-client-cert',
  'x-ssl-client-cert',
  'host',
  'content-length',
  'expect',
  'idempotency-key',
  'traceparent',
  'tracestate',
  'x-request-id',
  'accept-encoding',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

/** Response headers a client never sees: hop-by-hop, recomputed ones and server identification. */
const NEVER_RETURNED = new Set(['content-length', 'set-cookie', 'server', 'x-powered-by', 'via', 'alt-svc', 'location']);

const NO_TOKENS: ReadonlySet<string> = new Set();

/** The header names a Connection header lists (they are hop-by-hop for this message). */
function connectionTokens(headers: UpstreamHeaders): ReadonlySet<string> {
  const value = headers.connection;
  if (value === undefined) return NO_TOKENS;
  const list = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    list
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

export interface ForwardedHeaderValues {
  traceparent: string;
  tracestate?: string;
  requestId: string;
  /** The endpoint's own headers (e.g. the model server's API key); they win over the client's. */
  endpointHeaders?: Record<string, string>;
  hasBody: boolean;
}

/** The headers sent upstream: the client's minus the stripped ones, then the endpoint's and the gateway's. */
export function upstreamRequestHeaders(client: UpstreamHeaders | undefined, values: ForwardedHeaderValues): Record<string, string> {
  const headers: Record<string, string> = {};
  if (client) {
    const named = connectionTokens(client);
    for (const [rawName, value] of Object.entries(client)) {
      const name = rawName.toLowerCase();
      if (value === undefined || HOP_BY_HOP.has(name) || NEVER_FORWARDED.has(name) || named.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  for (const [name, value] of Object.entries(values.endpointHeaders ?? {})) headers[name.toLowerCase()] = value;
  if (values.hasBody && !headers['content-type']) headers['content-type'] = 'application/json';
  // The gateway parses and counts the bytes it receives: no compressed answers.
  headers['accept-encoding'] = 'identity';
  headers.traceparent = values.traceparent;
  if (values.tracestate) headers.tracestate = values.tracestate;
  headers['x-request-id'] = values.requestId;
  return headers;
}

/** The upstream response headers a client may see. */
export function clientResponseHeaders(upstream: UpstreamHeaders): Record<string, string | string[] | undefined> {
  const named = connectionTokens(upstream);
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [rawName, value] of Object.entries(upstream)) {
    const name = rawName.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(name) || NEVER_RETURNED.has(name) || named.has(name)) continue;
    headers[name] = value;
  }
  return headers;
}
