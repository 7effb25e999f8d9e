import {
  UpstreamCallAbortedError,
  UpstreamMalformedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../resilience/upstream.errors';
import { toProblem } from '../resilience/problem-mapping';
import { CLIENT_WENT_AWAY, DEADLINE_REACHED, classifyUpstreamFailure } from './upstream-error-classifier';

const HOST = 'models.internal.example';
const IP = '10.20.30.40';
const PORT = '8443';

function undiciLike(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyUpstreamFailure', () => {
  it.each([
    ['ECONNREFUSED', `connect ECONNREFUSED ${IP}:${PORT}`, false, UpstreamUnavailableError, 'unsent'],
    ['ENOTFOUND', `getaddrinfo ENOTFOUND ${HOST}`, false, UpstreamUnavailableError, 'unsent'],
    [
      'UND_ERR_CONNECT_TIMEOUT',
      `Connect Timeout Error (attempted address: ${HOST}:${PORT}, timeout: 2000ms)`,
      false,
      UpstreamTimeoutError,
      'unsent',
    ],
    ['UND_ERR_SOCKET', 'other side closed', false, UpstreamUnavailableError, 'unsent'],
    ['UND_ERR_SOCKET', 'other side closed', true, UpstreamUnavailableError, 'idempotent'],
    ['ECONNRESET', `read ECONNRESET ${IP}`, true, UpstreamUnavailableError, 'idempotent'],
    ['UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error', true, UpstreamTimeoutError, 'idempotent'],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      `Hostname/IP does not match certificate's altnames: Host: ${HOST}. is not in the cert's altnames`,
      false,
      UpstreamUnavailableError,
      'never',
    ],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', false, UpstreamUnavailableError, 'never'],
    ['UND_ERR_INVALID_ARG', `invalid header for ${HOST}`, false, UpstreamUnavailableError, 'never'],
  ])('%s (sent: %s) → %p, retry %s', (code, message, sent, type, retry) => {
    const failure = classifyUpstreamFailure(undiciLike(code, message), sent, undefined);
    expect(failure.error).toBeInstanceOf(type);
    expect(failure.retry).toBe(retry);
    expect(failure.breakerFailure).toBe(true);
  });

  it('lets the abort reason win: the deadline is a timeout, a departed client is not a breaker failure', () => {
    const reset = undiciLike('ECONNRESET', 'aborted');
    expect(classifyUpstreamFailure(reset, true, DEADLINE_REACHED)).toMatchObject({ retry: 'never', breakerFailure: true });
    expect(classifyUpstreamFailure(reset, true, DEADLINE_REACHED).error).toBeInstanceOf(UpstreamTimeoutError);
    expect(classifyUpstreamFailure(reset, true, CLIENT_WENT_AWAY).error).toBeInstanceOf(UpstreamCallAbortedError);
    expect(classifyUpstreamFailure(reset, true, CLIENT_WENT_AWAY).breakerFailure).toBe(false);
  });

  it('passes typed errors through without retry', () => {
    const malformed = new UpstreamMalformedError('redirect');
    expect(classifyUpstreamFailure(malformed, true, undefined)).toEqual({ error: malformed, retry: 'never', breakerFailure: false });
  });

  it('never puts the upstream host, address or port into what a client sees', () => {
    const raws = [
      undiciLike('ECONNREFUSED', `connect ECONNREFUSED ${IP}:${PORT}`),
      undiciLike('ENOTFOUND', `getaddrinfo ENOTFOUND ${HOST}`),
      undiciLike('UND_ERR_CONNECT_TIMEOUT', `Connect Timeout Error (attempted address: ${HOST}:${PORT})`),
      undiciLike('ERR_TLS_CERT_ALTNAME_INVALID', `Host: ${HOST}. is not in the cert's altnames`),
      undiciLike('WHATEVER', `https://${HOST}:${PORT}/v2/models/x/infer said: internal stack`),
    ];
    for (const raw of raws) {
      for (const error of [classifyUpstreamFailure(raw, false, undefined).error, toProblem(raw)]) {
        const visible = JSON.stringify({
          message: error.message,
          detail: error.detail,
          title: error.title,
          type: error.type,
          headers: error.headers,
          extensions: error.extensions,
        });
        for (const secret of [HOST, IP, PORT, 'internal stack']) expect(visible).not.toContain(secret);
      }
    }
  });
});
