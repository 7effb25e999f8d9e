import type { LoggerOptions } from 'pino';

const CENSOR = '[redacted]';

/**
 * Paths pino blanks out before a line is written: credentials in headers, and any body or secret
 * field a developer might pass to a log call. Bodies are never logged by pino-http itself.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.body',
  'body',
  '*.body',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
];

/** pino options shared by the HTTP logger and the application logger. */
export function pinoOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: CENSOR },
    base: { service: 'infergate' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** Query strings can carry credentials; the log keeps the path only. */
export function pathWithoutQuery(url: string | undefined): string {
  if (!url) return '/';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
