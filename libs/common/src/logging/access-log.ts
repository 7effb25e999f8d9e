import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { pathWithoutQuery } from './log-redaction';
import { requestLogContext, type LoggedRequest } from './request-log-context';

/**
 * One line per finished request, written by a Fastify onResponse hook: request id, trace id,
 * principal and organization (requestLogContext), method, path without its query, user agent, status
 * and response time. Never headers that carry credentials, never bodies. Health probes are not logged.
 * 5xx answers are logged at error level as "request errored", everything else at info.
 */
export function registerAccessLog(fastify: FastifyInstance, logger: Logger): void {
  if (!logger.isLevelEnabled('info')) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    const raw = request.raw as LoggedRequest;
    const path = pathWithoutQuery(raw.url);
    if (!path.startsWith('/health/')) {
      const line = {
        requestId: request.id,
        ...requestLogContext(raw),
        req: { id: request.id, method: raw.method, url: path, userAgent: raw.headers['user-agent'] },
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 1000) / 1000,
      };
      if (reply.statusCode >= 500) logger.error(line, 'request errored');
      else logger.info(line, 'request completed');
    }
    done();
  });
}
