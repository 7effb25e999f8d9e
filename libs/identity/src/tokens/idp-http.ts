import { isIP } from 'node:net';

/** Outbound calls to an identity provider never take longer than this by default. */
export const IDP_TIMEOUT_MS = 2_000;
/** A JWKS, discovery document or introspection answer larger than this is refused. */
export const IDP_MAX_RESPONSE_BYTES = 256 * 1024;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The IdP could not be reached or answered something unusable; callers turn it into 'issuer_unavailable'. */
export class IdpUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdpUnavailableError';
  }
}

/** True when `url` may be called: https, or http to a loopback host (local IdPs and tests). */
export function isAllowedIdpUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password || parsed.hash) return false;
  if (parsed.protocol === 'https:') return true;
  if (parsed.protocol !== 'http:') return false;
  const host = parsed.hostname;
  return LOOPBACK_HOSTS.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
}

export interface IdpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * Calls an IdP endpoint and parses its JSON answer: URL policy enforced, no redirects followed, a
 * timeout on the whole exchange and a cap on the body size. Every failure is an IdpUnavailableError.
 */
export async function fetchIdpJson(url: string, request: IdpRequest = {}): Promise<unknown> {
  if (!isAllowedIdpUrl(url)) throw new IdpUnavailableError('IdP URL refused by policy');
  const maxBytes = request.maxBytes ?? IDP_MAX_RESPONSE_BYTES;
  const signal = AbortSignal.timeout(request.timeoutMs ?? IDP_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers: { accept: 'application/json', ...request.headers },
      body: request.body,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    throw new IdpUnavailableError('IdP request failed', { cause: error });
  }
  try {
    if (response.status !== 200) throw new IdpUnavailableError(`IdP answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw new IdpUnavailableError('IdP answer too large');
    const text = await readCapped(response, maxBytes);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new IdpUnavailableError('IdP answer is not JSON', { cause: error });
    }
  } finally {
    if (!response.bodyUsed) await response.body?.cancel().catch(() => undefined);
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new IdpUnavailableError('IdP answer too large');
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof IdpUnavailableError) throw error;
    throw new IdpUnavailableError('IdP answer could not be read', { cause: error });
  }
  return Buffer.concat(chunks).toString('utf8');
}
