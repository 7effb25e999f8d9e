import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import { pathWithoutQuery, pinoOptions } from './log-redaction';
import { requestLogContext, type LoggedRequest } from './request-log-context';

/**
 * pino-http's options: one line per finished request with the request id, the trace id, the principal
 * and organization (see requestLogContext), method, path without query, user agent and status; never
 * headers that carry credentials, never bodies.
 */
export function httpLoggerOptions(level: string): Options {
  return {
    ...pinoOptions(level),
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    // Evaluated when the request starts and again when it completes (by then authenticated).
    customProps: (req: LoggedRequest) => requestLogContext(req),
    autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health/') },
    serializers: {
      req: (req: IncomingMessage & { id?: string }) => ({
        id: req.id,
        method: req.method,
        url: pathWithoutQuery(req.url),
        userAgent: req.headers['user-agent'],
      }),
      res: (res: ServerResponse & { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
